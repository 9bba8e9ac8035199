// Package azure holds the Azure rules and the profile the cross-cloud rules read. Its resource
// rules arrive with the Azure estate; the profile already lets the region rule check Azure
// Native providers and every resource's own location.
package azure

import "github.com/healthhub/estate/policy/rules"

// TypeProvider is the Azure Native provider.
const TypeProvider = "pulumi:providers:azure-native"

// Profile: every Azure Native resource names its own location, which the region rule reads
// before the provider's.
var Profile = rules.Profile{
	Cloud:        rules.CloudAzure,
	Package:      "azure-native",
	Regional:     true,
	RegionInputs: []string{"location"},
	TagsInput:    "tags",
}

// Rules are the Azure rules.
var Rules []rules.Rule

// SubscriptionRules hold for a whole subscription (the activity log's export, the security
// alerts) rather than for the part of it one component builds.
var SubscriptionRules []string

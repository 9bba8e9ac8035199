// Package gcp holds the GCP rules and the profile the cross-cloud rules read. Its resource
// rules arrive with the GCP estate; the profile already lets the region rule check GCP
// providers and resources.
package gcp

import "github.com/healthhub/estate/policy/rules"

// TypeProvider is the GCP provider.
const TypeProvider = "pulumi:providers:gcp"

// Profile: many GCP resources carry their own region, location or zone, which the region rule
// reads before the provider's; GCP calls tags labels.
var Profile = rules.Profile{
	Cloud:        rules.CloudGCP,
	Package:      "gcp",
	Regional:     true,
	RegionInputs: []string{"region", "location", "zone"},
	TagsInput:    "labels",
}

// Rules are the GCP rules.
var Rules []rules.Rule

// Package rulestest is how every rule package tests its rules: fixtures of resources, a case
// that says whether a rule must flag them, and a runner that checks each case and that every
// rule has at least one violating case.
package rulestest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
)

// Config is a production stack allowed in two regions, as the shipped production stack is.
var Config = rules.Config{AllowedRegions: []string{"eu-west-2", "eu-west-1"}, RetentionFloorDays: 2190, Environment: "production"}

// ProviderURN is the primary region's provider that fixtures are registered with.
const ProviderURN = "urn:pulumi:production::healthhub::pulumi:providers:aws::aws-primary"

// Res is a protected resource of the type in the primary region.
func Res(typ, name string, inputs map[string]any) rules.Resource {
	return rules.Resource{
		URN:  "urn:pulumi:production::healthhub::" + typ + "::" + name,
		Type: typ, Name: name, Provider: ProviderURN, Region: "eu-west-2", Protect: true, Inputs: inputs,
	}
}

// GCPConfig is the same production stack on GCP, in the estate's two GCP regions.
var GCPConfig = rules.Config{AllowedRegions: []string{"europe-west2", "europe-west1"}, RetentionFloorDays: 2190, Environment: "production"}

// GCPProviderURN is the primary GCP region's provider.
const GCPProviderURN = "urn:pulumi:production::healthhub::pulumi:providers:gcp::gcp-primary"

// GCPRes is Res for GCP: a protected resource of the type in the primary GCP region.
func GCPRes(typ, name string, inputs map[string]any) rules.Resource {
	r := Res(typ, name, inputs)
	r.Provider, r.Region = GCPProviderURN, "europe-west2"
	return r
}

// AzureConfig is the same production stack on Azure, in the estate's two Azure locations.
var AzureConfig = rules.Config{AllowedRegions: []string{"uksouth", "ukwest"}, RetentionFloorDays: 2190, Environment: "production"}

// AzureProviderURN is the primary Azure location's provider.
const AzureProviderURN = "urn:pulumi:production::healthhub::pulumi:providers:azure-native::azure-primary"

// AzureRes is Res for Azure: a protected resource of the type in the primary Azure location.
func AzureRes(typ, name string, inputs map[string]any) rules.Resource {
	r := Res(typ, name, inputs)
	r.Provider, r.Region = AzureProviderURN, "uksouth"
	return r
}

// DependsOn records that r's inputs refer to on.
func DependsOn(r, on rules.Resource) rules.Resource {
	r.Dependencies = append(append([]string(nil), r.Dependencies...), on.URN)
	return r
}

// With returns a copy of inputs with k set to v, or removed when v is nil.
func With(base map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range base {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// GoodTags is the estate's required tag set.
func GoodTags() map[string]any {
	return map[string]any{"environment": "production", "data-classification": "phi", "owner": "platform"}
}

// Case is one fixture: resources and whether the rule must flag them, with a message part.
type Case struct {
	Rule      string
	Name      string
	Resources []rules.Resource
	Violates  bool
	Message   string
	// Environment, when set, replaces the config's for this case (a rule that differs
	// outside production).
	Environment string
}

// Run checks every case against its rule (found by name in all) and that every rule of all
// has at least one violating case, so no rule goes untested.
func Run(t *testing.T, all []rules.Rule, cases []Case) {
	t.Helper()
	RunWith(t, Config, all, cases)
}

// RunWith is Run under another config (GCPConfig for the GCP rules).
func RunWith(t *testing.T, cfg rules.Config, all []rules.Rule, cases []Case) {
	t.Helper()
	byName := map[string]rules.Rule{}
	for _, r := range all {
		byName[r.Name] = r
	}
	covered := map[string]bool{}
	for _, tt := range cases {
		t.Run(tt.Rule+"/"+tt.Name, func(t *testing.T) {
			rule, ok := byName[tt.Rule]
			require.True(t, ok, "no rule %s in this package", tt.Rule)
			c := cfg
			if tt.Environment != "" {
				c.Environment = tt.Environment
			}
			vs := rules.Evaluate([]rules.Rule{rule}, tt.Resources, c)
			if !tt.Violates {
				assert.Empty(t, vs)
				return
			}
			require.NotEmpty(t, vs)
			assert.Equal(t, tt.Rule, vs[0].Policy)
			assert.Equal(t, rule.Level, vs[0].Level)
			assert.Contains(t, vs[0].Message, tt.Message)
			assert.NotEmpty(t, vs[0].URN)
		})
		if tt.Violates {
			covered[tt.Rule] = true
		}
	}
	for _, r := range all {
		assert.True(t, covered[r.Name], "rule %s has no violating fixture", r.Name)
	}
}

package edge

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	policyType = "azure-native:network:WebApplicationFirewallPolicy"

	primary    = azurekittest.PrimaryLocation
	policyName = "hh-waf-" + primary
)

var policyID = azurekittest.ResourceID("Microsoft.Network", "ApplicationGatewayWebApplicationFirewallPolicies", policyName)

func firewallArgs(mutate func(*WebFirewallArgs)) *WebFirewallArgs {
	a := &WebFirewallArgs{
		Prefix:            "hh",
		ResourceGroupName: pulumi.String(azurekittest.ResourceGroup),
		Location:          primary,
		AllowedCountries:  []string{"US", "GB", "IE"},
		Tags:              kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runFirewall(args *WebFirewallArgs) func(ctx *pulumi.Context, p azurekittest.Providers) error {
	return func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewWebFirewall(ctx, "waf", args, pulumi.Provider(p.Primary))
		return err
	}
}

func TestWebFirewallDefaults(t *testing.T) {
	var id, name string
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		w, err := NewWebFirewall(ctx, "waf", firewallArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		pulumi.All(w.PolicyId, w.PolicyName).ApplyT(func(v []any) string { id, name = v[0].(string), v[1].(string); return "" })
		return nil
	})
	const s, geo, rate = "policySettings.", "customRules[0].", "customRules[1]."
	countries := []any{"GB", "IE", "US"}
	table := []kittest.Expectation{
		{Type: policyType, Name: policyName, Path: "policyName", Want: policyName},
		{Type: policyType, Name: policyName, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: policyType, Name: policyName, Path: "location", Want: primary},
		{Type: policyType, Name: policyName, Path: "tags.data-classification", Want: "phi"},

		{Type: policyType, Name: policyName, Path: s + "state", Want: "Enabled"},
		{Type: policyType, Name: policyName, Path: s + "mode", Want: "Prevention"},
		{Type: policyType, Name: policyName, Path: s + "requestBodyCheck", Want: true},
		{Type: policyType, Name: policyName, Path: s + "requestBodyEnforcement", Want: true},
		{Type: policyType, Name: policyName, Path: s + "requestBodyInspectLimitInKB", Want: int64(128)},
		{Type: policyType, Name: policyName, Path: s + "maxRequestBodySizeInKb", Want: int64(128)},
		{Type: policyType, Name: policyName, Path: s + "fileUploadEnforcement", Want: true},
		{Type: policyType, Name: policyName, Path: s + "fileUploadLimitInMb", Want: int64(10)},
		{Type: policyType, Name: policyName, Path: s + "logScrubbing.state", Want: "Enabled"},

		{Type: policyType, Name: policyName, Path: "managedRules.managedRuleSets[0].ruleSetType", Want: "Microsoft_DefaultRuleSet"},
		{Type: policyType, Name: policyName, Path: "managedRules.managedRuleSets[0].ruleSetVersion", Want: "2.1"},
		{Type: policyType, Name: policyName, Path: "managedRules.managedRuleSets[1].ruleSetType", Want: "Microsoft_BotManagerRuleSet"},
		{Type: policyType, Name: policyName, Path: "managedRules.managedRuleSets[1].ruleSetVersion", Want: "1.0"},

		{Type: policyType, Name: policyName, Path: geo + "name", Want: "BlockOutsideAllowedCountries"},
		{Type: policyType, Name: policyName, Path: geo + "priority", Want: int64(10)},
		{Type: policyType, Name: policyName, Path: geo + "ruleType", Want: "MatchRule"},
		{Type: policyType, Name: policyName, Path: geo + "action", Want: "Block"},
		{Type: policyType, Name: policyName, Path: geo + "state", Want: "Enabled"},
		{Type: policyType, Name: policyName, Path: geo + "matchConditions[0].matchVariables[0].variableName", Want: "RemoteAddr"},
		{Type: policyType, Name: policyName, Path: geo + "matchConditions[0].operator", Want: "GeoMatch"},
		{Type: policyType, Name: policyName, Path: geo + "matchConditions[0].negationConditon", Want: true},
		{Type: policyType, Name: policyName, Path: geo + "matchConditions[0].matchValues", Want: countries},

		{Type: policyType, Name: policyName, Path: rate + "name", Want: "RateLimitPerClientAddress"},
		{Type: policyType, Name: policyName, Path: rate + "priority", Want: int64(20)},
		{Type: policyType, Name: policyName, Path: rate + "ruleType", Want: "RateLimitRule"},
		{Type: policyType, Name: policyName, Path: rate + "action", Want: "Block"},
		{Type: policyType, Name: policyName, Path: rate + "rateLimitDuration", Want: "OneMin"},
		{Type: policyType, Name: policyName, Path: rate + "rateLimitThreshold", Want: int64(600)},
		{Type: policyType, Name: policyName, Path: rate + "groupByUserSession[0].groupByVariables[0].variableName", Want: "ClientAddr"},
		{Type: policyType, Name: policyName, Path: rate + "matchConditions[0].operator", Want: "GeoMatch"},
		{Type: policyType, Name: policyName, Path: rate + "matchConditions[0].matchValues", Want: countries},
	}
	for i, v := range []string{"RequestHeaderNames", "RequestCookieNames", "RequestArgNames", "RequestPostArgNames", "RequestJSONArgNames"} {
		at := fmt.Sprintf(s+"logScrubbing.scrubbingRules[%d].", i)
		table = append(table,
			kittest.Expectation{Type: policyType, Name: policyName, Path: at + "matchVariable", Want: v},
			kittest.Expectation{Type: policyType, Name: policyName, Path: at + "selectorMatchOperator", Want: "EqualsAny"},
			kittest.Expectation{Type: policyType, Name: policyName, Path: at + "state", Want: "Enabled"},
		)
	}
	kittest.AssertInputs(t, m, table)

	p, _ := m.Find(policyType, policyName)
	rules, _ := p.Get("customRules")
	assert.Len(t, rules, 2, "the allow-list and the rate limit")
	scrubbed, _ := p.Get(s + "logScrubbing.scrubbingRules")
	for _, r := range scrubbed.([]any) {
		assert.NotEqual(t, "RequestIPAddress", r.(map[string]any)["matchVariable"], "the client address stays in the log")
	}
	_, negated := p.Get(rate + "matchConditions[0].negationConditon")
	assert.False(t, negated, "the rate limit counts the allowed countries' requests")
	assert.Equal(t, policyID, id)
	assert.Equal(t, policyName, name)

	assert.Empty(t, azurekittest.Violations(m, "production"), "the policy passes the whole policy pack")
}

func TestWebFirewallSettings(t *testing.T) {
	m := azurekittest.MustRun(t, runFirewall(firewallArgs(func(a *WebFirewallArgs) {
		a.AllowedCountries = []string{"GB"}
		a.MaxRequestBodyKb, a.MaxFileUploadMb, a.RateLimitPerMinute = 2000, 100, 1200
	})))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: policyType, Name: policyName, Path: "policySettings.requestBodyInspectLimitInKB", Want: int64(2000)},
		{Type: policyType, Name: policyName, Path: "policySettings.maxRequestBodySizeInKb", Want: int64(2000)},
		{Type: policyType, Name: policyName, Path: "policySettings.fileUploadLimitInMb", Want: int64(100)},
		{Type: policyType, Name: policyName, Path: "customRules[0].matchConditions[0].matchValues", Want: []any{"GB"}},
		{Type: policyType, Name: policyName, Path: "customRules[1].rateLimitThreshold", Want: int64(1200)},
	})
}

func TestWebFirewallArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*WebFirewallArgs)
		want   string
	}{
		{"no prefix", func(a *WebFirewallArgs) { a.Prefix = "" }, `WebFirewall: Prefix = "": must start with a lowercase letter`},
		{"prefix with a hyphen", func(a *WebFirewallArgs) { a.Prefix = "hh-edge" }, `WebFirewall: Prefix = "hh-edge"`},
		{"no resource group", func(a *WebFirewallArgs) { a.ResourceGroupName = nil }, "WebFirewall: ResourceGroupName = <nil>: required"},
		{"display location", func(a *WebFirewallArgs) { a.Location = "UK South" }, `WebFirewall: Location = "UK South": must be an Azure location`},
		{"no countries", func(a *WebFirewallArgs) { a.AllowedCountries = nil }, "WebFirewall: AllowedCountries = []: required"},
		{"empty countries", func(a *WebFirewallArgs) { a.AllowedCountries = []string{} }, "WebFirewall: AllowedCountries = []: required"},
		{"country name", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"GB", "Ireland"} }, `WebFirewall: AllowedCountries = "Ireland": must be ISO 3166 alpha-2 codes in upper case`},
		{"lower-case country", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"gb"} }, `WebFirewall: AllowedCountries = "gb"`},
		{"country twice", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"GB", "GB"} }, "WebFirewall: AllowedCountries = GB: is listed twice"},
		{"body too small", func(a *WebFirewallArgs) { a.MaxRequestBodyKb = 4 }, "WebFirewall: MaxRequestBodyKb = 4: must be 8 to 2000 KB"},
		{"body too large", func(a *WebFirewallArgs) { a.MaxRequestBodyKb = 4096 }, "WebFirewall: MaxRequestBodyKb = 4096: must be 8 to 2000 KB"},
		{"negative upload", func(a *WebFirewallArgs) { a.MaxFileUploadMb = -1 }, "WebFirewall: MaxFileUploadMb = -1: must be 1 to 4000 MB"},
		{"upload too large", func(a *WebFirewallArgs) { a.MaxFileUploadMb = 5000 }, "WebFirewall: MaxFileUploadMb = 5000"},
		{"rate too low", func(a *WebFirewallArgs) { a.RateLimitPerMinute = 10 }, "WebFirewall: RateLimitPerMinute = 10: must be 100 to 1000000"},
		{"no tags", func(a *WebFirewallArgs) { a.Tags = nil }, `WebFirewall: Tags = map[]: must include "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, runFirewall(firewallArgs(tt.mutate)))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

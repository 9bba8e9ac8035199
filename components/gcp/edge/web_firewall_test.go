package edge

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const policyType = "gcp:compute/securityPolicy:SecurityPolicy"

func firewallArgs(mutate func(*WebFirewallArgs)) *WebFirewallArgs {
	a := &WebFirewallArgs{Prefix: "hh-edge", Labels: kittest.Tags}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runFirewall(args *WebFirewallArgs) func(ctx *pulumi.Context, p gcpkittest.Providers) error {
	return func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewWebFirewall(ctx, "waf", args, pulumi.Provider(p.Primary))
		return err
	}
}

func TestWebFirewallDefaults(t *testing.T) {
	var name, id string
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		w, err := NewWebFirewall(ctx, "waf", firewallArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		pulumi.All(w.PolicyName, w.PolicyId).ApplyT(func(v []any) string { name, id = v[0].(string), v[1].(string); return "" })
		return nil
	})
	const allowed = "origin.region_code in ['GB','IE','US']"
	table := []kittest.Expectation{
		{Type: policyType, Name: "hh-edge", Path: "type", Want: "CLOUD_ARMOR"},
		{Type: policyType, Name: "hh-edge", Path: "adaptiveProtectionConfig.layer7DdosDefenseConfig.enable", Want: true},
		{Type: policyType, Name: "hh-edge", Path: "adaptiveProtectionConfig.layer7DdosDefenseConfig.ruleVisibility", Want: "STANDARD"},
		{Type: policyType, Name: "hh-edge", Path: "advancedOptionsConfig.jsonParsing", Want: "STANDARD"},
		{Type: policyType, Name: "hh-edge", Path: "advancedOptionsConfig.logLevel", Want: "NORMAL"},
	}
	for i, set := range []string{"sqli", "xss", "lfi", "rfi", "rce", "scannerdetection", "protocolattack", "sessionfixation", "methodenforcement"} {
		rule := fmt.Sprintf("rules[%d]", i)
		table = append(table,
			kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rule + ".priority", Want: int64(1000 + i)},
			kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rule + ".action", Want: "deny(403)"},
			kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rule + ".match.expr.expression",
				Want: fmt.Sprintf("evaluatePreconfiguredWaf('%s-v33-stable', {'sensitivity': 1})", set)},
		)
	}
	const rate, geo, def = "rules[9]", "rules[10]", "rules[11]"
	table = append(table,
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".priority", Want: int64(2000)},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".action", Want: "rate_based_ban"},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".match.expr.expression", Want: allowed},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".rateLimitOptions.conformAction", Want: "allow"},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".rateLimitOptions.exceedAction", Want: "deny(429)"},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".rateLimitOptions.enforceOnKey", Want: "IP"},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".rateLimitOptions.rateLimitThreshold.count", Want: int64(600)},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".rateLimitOptions.rateLimitThreshold.intervalSec", Want: int64(60)},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: rate + ".rateLimitOptions.banDurationSec", Want: int64(300)},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: geo + ".priority", Want: int64(3000)},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: geo + ".action", Want: "allow"},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: geo + ".match.expr.expression", Want: allowed},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: def + ".priority", Want: int64(2147483647)},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: def + ".action", Want: "deny(403)"},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: def + ".match.versionedExpr", Want: "SRC_IPS_V1"},
		kittest.Expectation{Type: policyType, Name: "hh-edge", Path: def + ".match.config.srcIpRanges", Want: []any{"*"}},
	)
	kittest.AssertInputs(t, m, table)

	p, _ := m.Find(policyType, "hh-edge")
	rules, _ := p.Get("rules")
	assert.Len(t, rules, 12, "nine WAF rules, the rate limit, the allow-list and the default")
	assert.Regexp(t, `^hh-edge-[0-9a-z]{7}$`, name)
	assert.Equal(t, "https://www.googleapis.com/compute/v1/projects/healthhub-test/global/securityPolicies/"+name, id)

	assert.Empty(t, gcpkittest.Violations(m, "production"), "the policy passes the whole policy pack")
}

// Every request the policy lets through is from an allowed country: each allow, including
// the rate rule's conform action, matches the allow-list.
func TestWebFirewallAllowsOnlyTheAllowedCountries(t *testing.T) {
	m := gcpkittest.MustRun(t, runFirewall(firewallArgs(func(a *WebFirewallArgs) { a.AllowedCountries = []string{"US", "GB"} })))
	p, _ := m.Find(policyType, "hh-edge")
	rules, _ := p.Get("rules")
	allows := 0
	for _, r := range rules.([]any) {
		rule := r.(map[string]any)
		opts, _ := rule["rateLimitOptions"].(map[string]any)
		if rule["action"] == "allow" || opts["conformAction"] == "allow" {
			allows++
			match := rule["match"].(map[string]any)
			assert.Equal(t, map[string]any{"expression": "origin.region_code in ['GB','US']"}, match["expr"], "rule %v", rule["priority"])
		}
	}
	assert.Equal(t, 2, allows)
}

func TestWebFirewallSettings(t *testing.T) {
	m := gcpkittest.MustRun(t, runFirewall(firewallArgs(func(a *WebFirewallArgs) { a.RateLimitPerMinute = 1200; a.Sensitivity = 2 })))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: policyType, Name: "hh-edge", Path: "rules[0].match.expr.expression", Want: "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 2})"},
		{Type: policyType, Name: "hh-edge", Path: "rules[9].rateLimitOptions.rateLimitThreshold.count", Want: int64(1200)},
	})
}

func TestWebFirewallArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*WebFirewallArgs)
		want   string
	}{
		{"no prefix", func(a *WebFirewallArgs) { a.Prefix = "" }, `WebFirewall: Prefix = "": must start with a letter`},
		{"country name", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"GB", "Ireland"} }, `WebFirewall: AllowedCountries = "Ireland": must be ISO 3166 alpha-2 codes in upper case`},
		{"lower-case country", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"gb"} }, `WebFirewall: AllowedCountries = "gb"`},
		{"country twice", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"GB", "GB"} }, "WebFirewall: AllowedCountries = GB: is listed twice"},
		{"rate too low", func(a *WebFirewallArgs) { a.RateLimitPerMinute = 10 }, "WebFirewall: RateLimitPerMinute = 10: must be 100 to 1000000"},
		{"negative rate", func(a *WebFirewallArgs) { a.RateLimitPerMinute = -1 }, "WebFirewall: RateLimitPerMinute = -1"},
		{"sensitivity too high", func(a *WebFirewallArgs) { a.Sensitivity = 5 }, "WebFirewall: Sensitivity = 5: must be 1 to 4"},
		{"negative sensitivity", func(a *WebFirewallArgs) { a.Sensitivity = -1 }, "WebFirewall: Sensitivity = -1: must be 1 to 4"},
		{"no labels", func(a *WebFirewallArgs) { a.Labels = nil }, `= map[]: must include "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, runFirewall(firewallArgs(tt.mutate)))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

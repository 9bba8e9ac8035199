package aws

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func firewallArgs(mutate func(*WebFirewallArgs)) *WebFirewallArgs {
	a := &WebFirewallArgs{
		Prefix: "hh-edge", Scope: ScopeRegional, AllowedCountries: []string{"US", "GB", "IE"}, RateLimit: 2000,
		LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557, Protect: true, Tags: testTags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestWebFirewallDefaults(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewWebFirewall(ctx, "waf", firewallArgs(nil), pulumi.Provider(p.primary))
		return err
	})
	const acl = "aws:wafv2/webAcl:WebAcl"
	table := []expectation{
		{acl, "hh-edge", "scope", "REGIONAL"},
		{acl, "hh-edge", "defaultAction", map[string]any{"allow": map[string]any{}}},
		{acl, "hh-edge", "rules[0].name", "block-outside-allowed-countries"},
		{acl, "hh-edge", "rules[0].action", map[string]any{"block": map[string]any{}}},
		{acl, "hh-edge", "rules[0].statement.notStatement.statements[0].geoMatchStatement.countryCodes", []any{"GB", "IE", "US"}},
		{acl, "hh-edge", "rules[1].statement.rateBasedStatement.limit", int64(2000)},
		{acl, "hh-edge", "rules[1].statement.rateBasedStatement.aggregateKeyType", "IP"},
		{"aws:cloudwatch/logGroup:LogGroup", "hh-edge-logs", "name", "aws-waf-logs-hh-edge"},
		{"aws:cloudwatch/logGroup:LogGroup", "hh-edge-logs", "kmsKeyId", logsKey},
		{"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "hh-edge", "redactedFields[0].singleHeader.name", "authorization"},
		{"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "hh-edge", "redactedFields[1].singleHeader.name", "cookie"},
	}
	for i, group := range managedRuleGroups {
		path := fmt.Sprintf("rules[%d]", 2+i)
		table = append(table,
			expectation{acl, "hh-edge", path + ".statement.managedRuleGroupStatement.name", group},
			expectation{acl, "hh-edge", path + ".overrideAction", map[string]any{"none": map[string]any{}}},
		)
	}
	assertInputs(t, m, table)

	logs, _ := m.Find("aws:cloudwatch/logGroup:LogGroup", "hh-edge-logs")
	assert.True(t, logs.Protect)
	assert.Empty(t, violations(m, "production"), "the component passes the whole policy pack")
}

func TestWebFirewallArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*WebFirewallArgs)
		want   string
	}{
		{"scope", func(a *WebFirewallArgs) { a.Scope = "GLOBAL" }, `WebFirewall: Scope = "GLOBAL": must be "REGIONAL" or "CLOUDFRONT"`},
		{"no countries", func(a *WebFirewallArgs) { a.AllowedCountries = nil }, "WebFirewall: AllowedCountries = []: required"},
		{"country name", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"UK", "Ireland"} }, "WebFirewall: AllowedCountries = Ireland: must be ISO 3166 alpha-2"},
		{"country twice", func(a *WebFirewallArgs) { a.AllowedCountries = []string{"GB", "GB"} }, "WebFirewall: AllowedCountries = GB: is listed twice"},
		{"rate limit too low", func(a *WebFirewallArgs) { a.RateLimit = 10 }, "WebFirewall: RateLimit = 10"},
		{"no log key", func(a *WebFirewallArgs) { a.LogKmsKeyArn = nil }, "WebFirewall: LogKmsKeyArn = <nil>: required"},
		{"short log retention", func(a *WebFirewallArgs) { a.LogRetentionDays = 90 }, "WebFirewall: LogRetentionDays = 90"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := run(t, func(ctx *pulumi.Context, p providers) error {
				_, err := NewWebFirewall(ctx, "waf", firewallArgs(tt.mutate), pulumi.Provider(p.primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assertNothingRegistered(t, m)
		})
	}
}

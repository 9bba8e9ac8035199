package aws

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

func firewallArgs(mutate func(*WebFirewallArgs)) *WebFirewallArgs {
	a := &WebFirewallArgs{
		Prefix: "hh-edge", Scope: ScopeRegional, AllowedCountries: []string{"US", "GB", "IE"}, RateLimit: 2000,
		LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestWebFirewallDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewWebFirewall(ctx, "waf", firewallArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const acl = "aws:wafv2/webAcl:WebAcl"
	table := []kittest.Expectation{
		{Type: acl, Name: "hh-edge", Path: "scope", Want: "REGIONAL"},
		{Type: acl, Name: "hh-edge", Path: "defaultAction", Want: map[string]any{"allow": map[string]any{}}},
		{Type: acl, Name: "hh-edge", Path: "rules[0].name", Want: "block-outside-allowed-countries"},
		{Type: acl, Name: "hh-edge", Path: "rules[0].action", Want: map[string]any{"block": map[string]any{}}},
		{Type: acl, Name: "hh-edge", Path: "rules[0].statement.notStatement.statements[0].geoMatchStatement.countryCodes", Want: []any{"GB", "IE", "US"}},
		{Type: acl, Name: "hh-edge", Path: "rules[1].statement.rateBasedStatement.limit", Want: int64(2000)},
		{Type: acl, Name: "hh-edge", Path: "rules[1].statement.rateBasedStatement.aggregateKeyType", Want: "IP"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-edge-logs", Path: "name", Want: "aws-waf-logs-hh-edge"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-edge-logs", Path: "kmsKeyId", Want: logsKey},
		{Type: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", Name: "hh-edge", Path: "redactedFields[0].singleHeader.name", Want: "authorization"},
		{Type: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", Name: "hh-edge", Path: "redactedFields[1].singleHeader.name", Want: "cookie"},
	}
	for i, group := range managedRuleGroups {
		path := fmt.Sprintf("rules[%d]", 2+i)
		table = append(table,
			kittest.Expectation{Type: acl, Name: "hh-edge", Path: path + ".statement.managedRuleGroupStatement.name", Want: group},
			kittest.Expectation{Type: acl, Name: "hh-edge", Path: path + ".overrideAction", Want: map[string]any{"none": map[string]any{}}},
		)
	}
	kittest.AssertInputs(t, m, table)

	logs, _ := m.Find("aws:cloudwatch/logGroup:LogGroup", "hh-edge-logs")
	assert.True(t, logs.Protect)
	assert.Empty(t, awskittest.Violations(m, "production"), "the component passes the whole policy pack")
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
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewWebFirewall(ctx, "waf", firewallArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

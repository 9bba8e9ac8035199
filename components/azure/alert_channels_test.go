package azure

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeActionGroup      = "azure-native:insights:ActionGroup"
	typeActivityLogAlert = "azure-native:insights:ActivityLogAlert"
)

func testChannelsArgs(mutate func(*AlertChannelsArgs)) *AlertChannelsArgs {
	a := &AlertChannelsArgs{
		Prefix: "hh", ResourceGroupName: pulumi.String(azurekittest.ResourceGroup), Email: "oncall@example.org",
		PagerURL:       pulumi.ToSecret(pulumi.String("https://pager.example.org/hook?auth_token=t0ken")).(pulumi.StringOutput),
		SubscriptionID: azurekittest.Subscription, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestAlertChannelsDefaults(t *testing.T) {
	var ch *AlertChannels
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		ch, err = NewAlertChannels(ctx, "alerts", testChannelsArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	groupID := mockcloud.AzureResourceID(azurekittest.Subscription, azurekittest.ResourceGroup, "Microsoft.Insights/actionGroups", "hh-alerts")
	table := []kittest.Expectation{
		{Type: typeActionGroup, Name: "hh-alerts", Path: "actionGroupName", Want: "hh-alerts"},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "location", Want: "Global"},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "groupShortName", Want: "hh"},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "enabled", Want: true},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "emailReceivers[0].emailAddress", Want: "oncall@example.org"},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "emailReceivers[0].useCommonAlertSchema", Want: true},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "webhookReceivers[0].name", Want: "pager"},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "webhookReceivers[0].serviceUri", Want: "[secret]"},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "webhookReceivers[0].useCommonAlertSchema", Want: true},
		{Type: typeActionGroup, Name: "hh-alerts", Path: "tags.data-classification", Want: "phi"},
	}
	// The CIS Azure 5.2 operations and the estate's own, each with its alert.
	operations := map[string]string{
		"hh-policy-assignment-write":       "Microsoft.Authorization/policyAssignments/write",
		"hh-policy-assignment-delete":      "Microsoft.Authorization/policyAssignments/delete",
		"hh-nsg-write":                     "Microsoft.Network/networkSecurityGroups/write",
		"hh-nsg-delete":                    "Microsoft.Network/networkSecurityGroups/delete",
		"hh-nsg-rule-write":                "Microsoft.Network/networkSecurityGroups/securityRules/write",
		"hh-nsg-rule-delete":               "Microsoft.Network/networkSecurityGroups/securityRules/delete",
		"hh-security-solution-write":       "Microsoft.Security/securitySolutions/write",
		"hh-security-solution-delete":      "Microsoft.Security/securitySolutions/delete",
		"hh-sql-firewall-rule-write":       "Microsoft.Sql/servers/firewallRules/write",
		"hh-sql-firewall-rule-delete":      "Microsoft.Sql/servers/firewallRules/delete",
		"hh-postgres-firewall-rule-write":  "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/write",
		"hh-postgres-firewall-rule-delete": "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/delete",
		"hh-public-ip-write":               "Microsoft.Network/publicIPAddresses/write",
		"hh-public-ip-delete":              "Microsoft.Network/publicIPAddresses/delete",
		"hh-key-vault-delete":              "Microsoft.KeyVault/vaults/delete",
		"hh-role-assignment-write":         "Microsoft.Authorization/roleAssignments/write",
		"hh-role-assignment-delete":        "Microsoft.Authorization/roleAssignments/delete",
		"hh-diagnostic-setting-delete":     "Microsoft.Insights/diagnosticSettings/delete",
	}
	for name, op := range operations {
		table = append(table,
			kittest.Expectation{Type: typeActivityLogAlert, Name: name, Path: "activityLogAlertName", Want: name},
			kittest.Expectation{Type: typeActivityLogAlert, Name: name, Path: "location", Want: "Global"},
			kittest.Expectation{Type: typeActivityLogAlert, Name: name, Path: "enabled", Want: true},
			kittest.Expectation{Type: typeActivityLogAlert, Name: name, Path: "scopes", Want: []any{"/subscriptions/" + azurekittest.Subscription}},
			kittest.Expectation{Type: typeActivityLogAlert, Name: name, Path: "condition.allOf", Want: []any{
				map[string]any{"field": "category", "equals": "Administrative"},
				map[string]any{"field": "operationName", "equals": op},
			}},
			kittest.Expectation{Type: typeActivityLogAlert, Name: name, Path: "actions.actionGroups", Want: []any{map[string]any{"actionGroupId": groupID}}},
			kittest.Expectation{Type: typeActivityLogAlert, Name: name, Path: "tags.owner", Want: "platform"},
		)
	}
	kittest.AssertInputs(t, m, table)
	assert.Len(t, m.ByType(typeActivityLogAlert), len(operations), "an alert per operation, no more")
	for _, r := range m.ByType(typeActivityLogAlert) {
		d, _ := r.Get("description")
		assert.NotEmpty(t, d, "%s says why it fires", r.Name)
	}
	assert.Equal(t, groupID, resolved[string](ch.ActionGroupId))
	assert.Empty(t, azurekittest.Violations(m, "production"), "the channels pass the whole policy pack")
}

// A secret pager URL is passed through unread and stays secret: the program never inspects a
// secret's value, so no error or log can carry the token (a plain URL is checked up front).
func TestAlertChannelsSecretPagerURLStaysSecret(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewAlertChannels(ctx, "alerts", testChannelsArgs(func(a *AlertChannelsArgs) {
			a.PagerURL = pulumi.ToSecret(pulumi.String("not a url, unread")).(pulumi.StringOutput)
		}), pulumi.Provider(p.Primary))
		return err
	})
	r, ok := m.Find(typeActionGroup, "hh-alerts")
	require.True(t, ok)
	receivers := r.Inputs["webhookReceivers"].ArrayValue()
	require.Len(t, receivers, 1)
	assert.True(t, receivers[0].ObjectValue()["serviceUri"].IsSecret(), "the pager URL is a secret")

	// A plain URL is made secret too.
	m = azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewAlertChannels(ctx, "alerts", testChannelsArgs(func(a *AlertChannelsArgs) {
			a.PagerURL = pulumi.String("https://pager.example.org/hook?auth_token=plain")
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeActionGroup, Name: "hh-alerts", Path: "webhookReceivers[0].serviceUri", Want: "[secret]"},
	})
}

func TestAlertChannelsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*AlertChannelsArgs)
		want   string
	}{
		{"no prefix", func(a *AlertChannelsArgs) { a.Prefix = "" }, `AlertChannels: Prefix = "": must be 2 to 10`},
		{"short name too long", func(a *AlertChannelsArgs) { a.Prefix = "healthhubprod" }, `AlertChannels: Prefix = "healthhubprod"`},
		{"no resource group", func(a *AlertChannelsArgs) { a.ResourceGroupName = nil }, "AlertChannels: ResourceGroupName = <nil>: required"},
		{"no email", func(a *AlertChannelsArgs) { a.Email = "" }, `AlertChannels: Email = ""`},
		{"named email", func(a *AlertChannelsArgs) { a.Email = "On call <oncall@example.org>" }, `AlertChannels: Email = "On call <oncall@example.org>": must be a plain e-mail address`},
		{"no pager", func(a *AlertChannelsArgs) { a.PagerURL = nil }, "AlertChannels: PagerURL = <nil>: required"},
		{"plain http pager", func(a *AlertChannelsArgs) { a.PagerURL = pulumi.String("http://pager.example.org/hook?auth_token=t") }, "AlertChannels: PagerURL = [secret]: must be an https URL"},
		{"no subscription", func(a *AlertChannelsArgs) { a.SubscriptionID = "" }, `AlertChannels: SubscriptionID = "": must be the subscription's id`},
		{"subscription by name", func(a *AlertChannelsArgs) { a.SubscriptionID = "healthhub-prod" }, `AlertChannels: SubscriptionID = "healthhub-prod"`},
		{"no tags", func(a *AlertChannelsArgs) { a.Tags = nil }, `AlertChannels: Tags = map[]: must include "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewAlertChannels(ctx, "alerts", testChannelsArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assert.NotContains(t, err.Error(), "auth_token", "the pager's token never reaches an error")
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

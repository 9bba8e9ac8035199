package azure

import (
	"fmt"
	"net/mail"
	"net/url"

	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// AlertChannelsArgs configures where the estate's alerts go and the subscription's activity
// log alerts.
type AlertChannelsArgs struct {
	// Prefix names the action group and the alerts; the group's short name (what an e-mail's
	// subject shows) is the prefix itself.
	Prefix            string
	ResourceGroupName pulumi.StringInput
	// Email receives every alert. Required.
	Email string
	// PagerURL is the on-call pager's https webhook, token included: a secret. Required.
	PagerURL pulumi.StringInput
	// SubscriptionID is the subscription whose activity log is watched.
	SubscriptionID string
	Tags           map[string]string
}

// AlertChannels are the action group every alert notifies (an e-mail address and the pager)
// and the activity log alerts CIS Azure 5.2 asks for, each notifying it (164.308(a)(6)
// security incident procedures, 164.312(b) audit controls).
type AlertChannels struct {
	pulumi.ResourceState

	// ActionGroupId is what metric, log and activity log alerts notify.
	ActionGroupId pulumi.StringOutput `pulumi:"actionGroupId"`
}

// activityAlert is one administrative operation someone is told about whenever it happens.
type activityAlert struct {
	name, operation, why string
}

// activityAlerts are the operations of CIS Azure 5.2 (5.2.1 to 5.2.10 in v2; security rules
// from v1) and those that change who may reach the estate's data or what records it: each can
// open a path to PHI or blind the audit trail, and none is part of a normal day.
var activityAlerts = []activityAlert{
	{"policy-assignment-write", "Microsoft.Authorization/policyAssignments/write", "CIS 5.2.1: a policy assignment was created or changed"},
	{"policy-assignment-delete", "Microsoft.Authorization/policyAssignments/delete", "CIS 5.2.2: a policy assignment was deleted"},
	{"nsg-write", "Microsoft.Network/networkSecurityGroups/write", "CIS 5.2.3: a network security group was created or changed"},
	{"nsg-delete", "Microsoft.Network/networkSecurityGroups/delete", "CIS 5.2.4: a network security group was deleted"},
	{"nsg-rule-write", "Microsoft.Network/networkSecurityGroups/securityRules/write", "CIS 1.x 5.2: a network security rule was created or changed"},
	{"nsg-rule-delete", "Microsoft.Network/networkSecurityGroups/securityRules/delete", "CIS 1.x 5.2: a network security rule was deleted"},
	{"security-solution-write", "Microsoft.Security/securitySolutions/write", "CIS 5.2.5: a security solution was created or changed"},
	{"security-solution-delete", "Microsoft.Security/securitySolutions/delete", "CIS 5.2.6: a security solution was deleted"},
	{"sql-firewall-rule-write", "Microsoft.Sql/servers/firewallRules/write", "CIS 5.2.7: a SQL server firewall rule was created or changed"},
	{"sql-firewall-rule-delete", "Microsoft.Sql/servers/firewallRules/delete", "CIS 5.2.8: a SQL server firewall rule was deleted"},
	{"postgres-firewall-rule-write", "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/write", "CIS 5.2.7 for PostgreSQL: a database firewall rule was created or changed"},
	{"postgres-firewall-rule-delete", "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/delete", "CIS 5.2.8 for PostgreSQL: a database firewall rule was deleted"},
	{"public-ip-write", "Microsoft.Network/publicIPAddresses/write", "CIS 5.2.9: a public IP address was created or changed"},
	{"public-ip-delete", "Microsoft.Network/publicIPAddresses/delete", "CIS 5.2.10: a public IP address was deleted"},
	{"key-vault-delete", "Microsoft.KeyVault/vaults/delete", "a Key Vault was deleted: the keys that encrypt PHI"},
	{"role-assignment-write", "Microsoft.Authorization/roleAssignments/write", "a role was granted"},
	{"role-assignment-delete", "Microsoft.Authorization/roleAssignments/delete", "a role was revoked"},
	{"diagnostic-setting-delete", "Microsoft.Insights/diagnosticSettings/delete", "a diagnostic setting was deleted: a resource's logs stopped reaching the audit trail"},
}

// globalLocation is the only location ARM accepts for an activity log alert, and the one for
// an action group whose receivers are not tied to a region.
const globalLocation = "Global"

// Validate checks the Args before anything is registered.
func (a *AlertChannelsArgs) Validate() error {
	const c = "AlertChannels"
	switch {
	case !azureformat.Prefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must be 2 to 10 lowercase letters or digits, starting with a letter")
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	}
	if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
		return kit.ArgError(c, "Email", fmt.Sprintf("%q", a.Email), "must be a plain e-mail address such as oncall@example.org")
	}
	if a.PagerURL == nil {
		return kit.ArgError(c, "PagerURL", nil, "required: the on-call pager's https webhook")
	}
	// A plain value is checked now. A secret is never inspected: its shape is the stack
	// owner's to get right.
	if s, ok := a.PagerURL.(pulumi.String); ok {
		if u, err := url.Parse(string(s)); err != nil || u.Scheme != "https" || u.Host == "" {
			// The error never repeats the URL: it carries the pager's token.
			return kit.ArgError(c, "PagerURL", "[secret]", "must be an https URL")
		}
	}
	if !azurekit.GUID.MatchString(a.SubscriptionID) {
		return kit.ArgError(c, "SubscriptionID", fmt.Sprintf("%q", a.SubscriptionID), "must be the subscription's id (a GUID)")
	}
	return azurekit.RequireTags(c, a.Tags)
}

// NewAlertChannels creates the action group and the activity log alerts.
func NewAlertChannels(ctx *pulumi.Context, name string, args *AlertChannelsArgs, opts ...pulumi.ResourceOption) (*AlertChannels, error) {
	a := &AlertChannels{}
	if err := kit.Register(ctx, TypeAlertChannels, name, args, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)

	groupName := args.Prefix + "-alerts"
	group, err := insights.NewActionGroup(ctx, groupName, &insights.ActionGroupArgs{
		ActionGroupName:   pulumi.String(groupName),
		ResourceGroupName: args.ResourceGroupName,
		Location:          pulumi.String(globalLocation),
		// At most 12 characters; a Prefix is at most 10.
		GroupShortName: pulumi.String(args.Prefix),
		Enabled:        pulumi.Bool(true),
		// The common alert schema: one payload shape for every alert type, which the pager
		// and mail filters parse once.
		EmailReceivers: insights.EmailReceiverArray{insights.EmailReceiverArgs{
			Name:                 pulumi.String("oncall-email"),
			EmailAddress:         pulumi.String(args.Email),
			UseCommonAlertSchema: pulumi.Bool(true),
		}},
		WebhookReceivers: insights.WebhookReceiverArray{insights.WebhookReceiverArgs{
			Name: pulumi.String("pager"),
			// A secret URL is not inspected: the program never reads a secret's value, so no
			// error or log can carry the pager's token.
			ServiceUri:           pulumi.ToSecret(args.PagerURL).(pulumi.StringOutput),
			UseCommonAlertSchema: pulumi.Bool(true),
		}},
		Tags: azurekit.Tags(args.Tags),
		// The URL comes back in the receivers ARM returns; they stay secret in the state.
	}, parent, pulumi.AdditionalSecretOutputs([]string{"webhookReceivers"}))
	if err != nil {
		return nil, err
	}

	subscription := "/subscriptions/" + args.SubscriptionID
	for _, al := range activityAlerts {
		alertName := args.Prefix + "-" + al.name
		if _, err := insights.NewActivityLogAlert(ctx, alertName, &insights.ActivityLogAlertArgs{
			ActivityLogAlertName: pulumi.String(alertName),
			ResourceGroupName:    args.ResourceGroupName,
			Location:             pulumi.String(globalLocation),
			Description:          pulumi.String(al.why),
			Enabled:              pulumi.Bool(true),
			// The whole subscription: the operation is caught in any resource group, including
			// one created outside the estate.
			Scopes: pulumi.StringArray{pulumi.String(subscription)},
			Condition: insights.AlertRuleAllOfConditionArgs{
				AllOf: insights.AlertRuleAnyOfOrLeafConditionArray{
					// Every ARM write and delete is logged in the Administrative category.
					insights.AlertRuleAnyOfOrLeafConditionArgs{Field: pulumi.String("category"), Equals: pulumi.String("Administrative")},
					insights.AlertRuleAnyOfOrLeafConditionArgs{Field: pulumi.String("operationName"), Equals: pulumi.String(al.operation)},
				},
			},
			Actions: insights.ActionListArgs{
				ActionGroups: insights.ActionGroupTypeArray{insights.ActionGroupTypeArgs{ActionGroupId: group.ID()}},
			},
			Tags: azurekit.Tags(args.Tags),
		}, parent); err != nil {
			return nil, err
		}
	}

	a.ActionGroupId = group.ID().ToStringOutput()
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{"actionGroupId": a.ActionGroupId})
}

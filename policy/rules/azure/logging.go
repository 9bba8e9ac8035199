package azure

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// minWorkspaceDays is how long a workspace keeps logs for interactive query: the days of an
// incident investigation. The years the retention floor asks for are kept by each table's
// archive and by the immutable archive account.
const minWorkspaceDays = 90

// logAnalyticsHardened: a workspace's shared keys would let anyone holding one read or write
// the audit logs with no name on it; an audit table archives its records for the retention
// floor, so a query years later needs no restore from elsewhere.
var logAnalyticsHardened = rules.Rule{
	Name:        "azure-loganalytics-hardened",
	Cloud:       rules.CloudAzure,
	Description: "Log Analytics workspaces keep logs at least 90 days for query (retentionInDays) and take Entra ID sign-in only (features.disableLocalAuth); every table the stack configures keeps its records, archive included, at least the retention floor (totalRetentionInDays, six years by default).",
	Sections:    []rules.Section{rules.AuditControls, rules.DocumentationRetention, rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeWorkspace, TypeTable),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		var out []string
		if is(r.Type, TypeTable) {
			if days, _ := rules.Number(r.Inputs, "totalRetentionInDays"); days < int64(cfg.RetentionFloorDays) {
				out = append(out, fmt.Sprintf("totalRetentionInDays is %d; at least %d", days, cfg.RetentionFloorDays))
			}
			return out
		}
		if days, _ := rules.Number(r.Inputs, "retentionInDays"); days < minWorkspaceDays {
			out = append(out, fmt.Sprintf("retentionInDays is %d; at least %d", days, minWorkspaceDays))
		}
		if !rules.BoolTrue(r.Inputs, "features.disableLocalAuth") {
			out = append(out, "features.disableLocalAuth must be true: workspace keys would read and write logs with no name on them")
		}
		return out
	},
}

// diagnosed are the kinds whose resource logs a stack must keep: the PHI stores, the vaults
// that hold their keys, the cluster's control plane (its Kubernetes audit log exists only
// there), the gateway every request passes (its access and firewall logs), the Recovery
// Services vault (who restored a backup of PHI, or tried to delete one) and the workspace
// itself (who queried the audit trail).
var diagnosed = []string{
	TypeVault, TypeStorageAccount, TypePostgresServer, TypeManagedCluster, TypeApplicationGateway,
	TypeRecoveryVault, TypeWorkspace,
}

// auditGroups are the category groups that carry a resource's audit records: allLogs, or
// audit alone. A setting that names categories one by one may name one unrelated to audit
// (AzurePolicyEvaluationDetails) and misses any Azure adds later, so it does not count.
var auditGroups = []string{"allLogs", "audit"}

// sendsLogs: the setting turns on an audit category group and sends it to a workspace or an
// account.
func sendsLogs(d rules.Resource) bool {
	logs := false
	for i := range rules.List(d.Inputs, "logs") {
		at := fmt.Sprintf("logs[%d].", i)
		logs = logs || (oneOf(rules.Str(d.Inputs, at+"categoryGroup"), auditGroups...) && rules.BoolTrue(d.Inputs, at+"enabled"))
	}
	return logs && (rules.Present(d.Inputs, "workspaceId") || rules.Present(d.Inputs, "storageAccountId"))
}

// diagnosticSettings: Azure keeps a resource's own logs (Key Vault's AuditEvent, the
// database's connections, AKS's kube-audit, the gateway's firewall log, the backup vault's
// jobs, the workspace's query log) nowhere until a diagnostic setting sends them somewhere
// (Azure Policy cf820ca0, 245fc9df, 8a04f872; Prowler monitor_diagnostic_settings_exists,
// keyvault_logging_enabled). A store tagged with another data-classification than PHI is left
// to its owners.
var diagnosticSettings = rules.Rule{
	Name:        "azure-monitor-diagnostic-settings",
	Cloud:       rules.CloudAzure,
	Description: "Every key vault, PHI storage account, PostgreSQL flexible server, AKS cluster, Application Gateway, Recovery Services vault and Log Analytics workspace of the stack has a diagnostic setting (resourceUri it, or a child of it such as a blob service) that sends the allLogs or audit category group, enabled, to a Log Analytics workspace or a storage account; a setting of named categories alone does not count.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "a setting is matched by the resourceUri it names, else by reference; an unknown category group or switch fails; unknown destinations pass",
	Level:       rules.Mandatory,
	Types:       append(versions(TypeDiagnosticSetting), versions(diagnosed...)...),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		settings := of(all, TypeDiagnosticSetting)
		var out []rules.Finding
		for _, typ := range diagnosed {
			for _, r := range of(all, typ) {
				if is(r.Type, TypeStorageAccount) && !rules.HoldsPHI(r, "tags") {
					continue
				}
				if !slices.ContainsFunc(settings, func(d rules.Resource) bool { return sendsLogs(d) && refersTo(d, "resourceUri", r) }) {
					out = append(out, rules.Finding{URN: r.URN, Message: "no diagnostic setting of the stack sends this resource's logs to a workspace or an archive: Azure keeps them nowhere else"})
				}
			}
		}
		return out
	},
}

// activityLogCategories are the activity log categories CIS Azure 5.1 asks a subscription to
// export: who changed what, what Defender found, what policy decided, which alerts fired.
var activityLogCategories = []string{"Administrative", "Security", "Policy", "Alert"}

// activityLogExport: the activity log, the record of every change to the subscription's
// resources, is kept 90 days by Azure; a subscription diagnostic setting keeps it in the
// workspace and the immutable archive (Prowler monitor_diagnostic_setting_with_appropriate_categories).
var activityLogExport = rules.Rule{
	Name:        "azure-monitor-activity-log-export",
	Cloud:       rules.CloudAzure,
	Description: "A stack that deploys to Azure exports the subscription's activity log (the Administrative, Security, Policy and Alert categories, or the allLogs group) with a subscription diagnostic setting to a Log Analytics workspace or a storage account.",
	Sections:    []rules.Section{rules.AuditControls, rules.DocumentationRetention},
	Unknown:     "unknown destinations pass",
	Level:       rules.Mandatory,
	Types:       versions(TypeSubscriptionDiagnosticSetting),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		anchor, deploys := subscriptionAnchor(all)
		if !deploys {
			return nil
		}
		for _, d := range of(all, TypeSubscriptionDiagnosticSetting) {
			if !rules.Present(d.Inputs, "workspaceId") && !rules.Present(d.Inputs, "storageAccountId") {
				continue
			}
			covered := map[string]bool{}
			for i := range rules.List(d.Inputs, "logs") {
				at := fmt.Sprintf("logs[%d].", i)
				if !rules.BoolTrue(d.Inputs, at+"enabled") {
					continue
				}
				if oneOf(rules.Str(d.Inputs, at+"categoryGroup"), "allLogs") {
					return nil
				}
				covered[strings.ToLower(rules.Str(d.Inputs, at+"category"))] = true
			}
			if !slices.ContainsFunc(activityLogCategories, func(c string) bool { return !covered[strings.ToLower(c)] }) {
				return nil
			}
		}
		return []rules.Finding{{URN: anchor.URN, Message: "no subscription diagnostic setting exports the activity log (" + strings.Join(activityLogCategories, ", ") +
			") to a workspace or an archive: Azure keeps it only 90 days"}}
	},
}

// SecurityOperations are the changes CIS Azure 5.2 asks activity log alerts for, by the ARM
// operation that makes each: a policy, network rule, firewall, key vault, role or diagnostic
// change made outside the estate's deployments is the first sign of an intrusion, and
// someone must hear of it at once.
var SecurityOperations = []string{
	"Microsoft.Authorization/policyAssignments/write",
	"Microsoft.Authorization/policyAssignments/delete",
	"Microsoft.Network/networkSecurityGroups/write",
	"Microsoft.Network/networkSecurityGroups/delete",
	"Microsoft.Network/networkSecurityGroups/securityRules/write",
	"Microsoft.Network/networkSecurityGroups/securityRules/delete",
	"Microsoft.Security/securitySolutions/write",
	"Microsoft.Security/securitySolutions/delete",
	"Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/write",
	"Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/delete",
	"Microsoft.KeyVault/vaults/delete",
	"Microsoft.Authorization/roleAssignments/write",
	"Microsoft.Authorization/roleAssignments/delete",
	"Microsoft.Insights/diagnosticSettings/delete",
}

// subscriptionScope is a whole subscription, the scope an alert must watch to see every change.
var subscriptionScope = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/?$`)

// watchedOperations are the operation names an activity log alert fires on: the values of
// its operationName conditions, at the top of allOf or in an anyOf, in lowercase.
func watchedOperations(a rules.Resource) []string {
	var out []string
	leaf := func(at string) {
		if !oneOf(rules.Str(a.Inputs, at+"field"), "operationName") {
			return
		}
		if v := rules.Str(a.Inputs, at+"equals"); v != "" {
			out = append(out, strings.ToLower(v))
		}
		for _, v := range rules.Strs(a.Inputs, at+"containsAny") {
			out = append(out, strings.ToLower(v))
		}
	}
	for i := range rules.List(a.Inputs, "condition.allOf") {
		at := fmt.Sprintf("condition.allOf[%d].", i)
		leaf(at)
		for j := range rules.List(a.Inputs, at+"anyOf") {
			leaf(fmt.Sprintf("%sanyOf[%d].", at, j))
		}
	}
	return out
}

// administrative: the alert's condition admits the Administrative category, where ARM logs
// every write and delete. Each category leaf at the top of allOf must admit it (equals
// Administrative, or containsAny with it), and there must be one: an alert on the Security
// or Policy category never sees the operations it names.
func administrative(a rules.Resource) bool {
	found := false
	for i := range rules.List(a.Inputs, "condition.allOf") {
		at := fmt.Sprintf("condition.allOf[%d].", i)
		if !oneOf(rules.Str(a.Inputs, at+"field"), "category") {
			continue
		}
		admits := oneOf(rules.Str(a.Inputs, at+"equals"), "Administrative") ||
			slices.ContainsFunc(rules.Strs(a.Inputs, at+"containsAny"), func(c string) bool { return oneOf(c, "Administrative") })
		if !admits {
			return false
		}
		found = true
	}
	return found
}

// alerts: an enabled alert that watches the whole subscription's administrative events and
// notifies an action group.
func alerts(a rules.Resource) bool {
	if v, ok := rules.Get(a.Inputs, "enabled"); ok && v != true {
		return false
	}
	if !administrative(a) {
		return false
	}
	scopes := rules.Strs(a.Inputs, "scopes")
	whole := slices.ContainsFunc(scopes, func(s string) bool { return rules.IsUnknown(s) || subscriptionScope.MatchString(s) })
	if v, _ := rules.Get(a.Inputs, "scopes"); rules.IsUnknown(v) {
		whole = true
	}
	groups := false
	for i := range rules.List(a.Inputs, "actions.actionGroups") {
		groups = groups || rules.Present(a.Inputs, fmt.Sprintf("actions.actionGroups[%d].actionGroupId", i))
	}
	return whole && groups
}

var securityAlerts = rules.Rule{
	Name:        "azure-monitor-security-alerts",
	Cloud:       rules.CloudAzure,
	Description: "A stack that deploys to Azure has enabled activity log alerts, scoped to the subscription, on the Administrative category (condition.allOf has a category condition, and each admits Administrative) and notifying an action group, on policy assignment, NSG and NSG rule, security solution and PostgreSQL firewall rule changes and deletions, key vault deletion, role assignment changes and diagnostic setting deletion.",
	Sections:    []rules.Section{rules.AuditControls, rules.IncidentResponse},
	Unknown:     "an unknown operation name or category fails; unknown scopes and action groups pass",
	Level:       rules.Mandatory,
	Types:       versions(TypeActivityLogAlert),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		anchor, deploys := subscriptionAnchor(all)
		if !deploys {
			return nil
		}
		watched := map[string]bool{}
		for _, a := range of(all, TypeActivityLogAlert) {
			if alerts(a) {
				for _, op := range watchedOperations(a) {
					watched[op] = true
				}
			}
		}
		var missing []string
		for _, op := range SecurityOperations {
			if !watched[strings.ToLower(op)] {
				missing = append(missing, op)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return []rules.Finding{{URN: anchor.URN, Message: "no enabled activity log alert on the subscription's Administrative events notifies an action group of " + strings.Join(missing, ", ")}}
	},
}

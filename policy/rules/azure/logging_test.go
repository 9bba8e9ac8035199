package azure

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

// activityExport is the AuditTrail component's export of the subscription's activity log.
func activityExport(logs ...any) rules.Resource {
	if len(logs) == 0 {
		logs = []any{map[string]any{"categoryGroup": "allLogs", "enabled": true}}
	}
	return res(TypeSubscriptionDiagnosticSetting, "activity", map[string]any{"workspaceId": workspaceID, "storageAccountId": archiveID, "logs": logs})
}

// activityAlert is one of the AlertChannels component's alerts: the operation, on the
// subscription, to the action group.
func activityAlert(name string, operations ...string) rules.Resource {
	condition := []any{map[string]any{"field": "category", "equals": "Administrative"}}
	if len(operations) == 1 {
		condition = append(condition, map[string]any{"field": "operationName", "equals": operations[0]})
	} else {
		var anyOf []any
		for _, op := range operations {
			anyOf = append(anyOf, map[string]any{"field": "operationName", "equals": op})
		}
		condition = append(condition, map[string]any{"anyOf": anyOf})
	}
	return res(TypeActivityLogAlert, name, map[string]any{
		"location": "Global", "resourceGroupName": "hh-prod-rg", "enabled": true, "scopes": []any{subscription},
		"condition": map[string]any{"allOf": condition},
		"actions":   map[string]any{"actionGroups": []any{map[string]any{"actionGroupId": rules.Unknown}}},
	})
}

// securityAlerting is every alert CIS asks for, one per operation.
func securityAlerting() []rules.Resource {
	var out []rules.Resource
	for _, op := range SecurityOperations {
		out = append(out, activityAlert(op, op))
	}
	return out
}

func loggingCases() []ruleCase {
	workspace := func(inputs map[string]any) rules.Resource { return res(TypeWorkspace, "logs", inputs) }
	goodWorkspace := map[string]any{
		"workspaceName": "hh-prod-logs", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"sku": map[string]any{"name": "PerGB2018"}, "retentionInDays": int64(365),
		"features": map[string]any{"disableLocalAuth": true, "enableLogAccessUsingOnlyResourcePermissions": true},
	}
	table := func(total any) rules.Resource {
		inputs := map[string]any{"tableName": "AKSAudit", "workspaceName": "hh-prod-logs", "resourceGroupName": "hh-prod-rg", "retentionInDays": int64(365)}
		if total != nil {
			inputs["totalRetentionInDays"] = total
		}
		return res(TypeTable, "AKSAudit", inputs)
	}

	vault := res(TypeVault, "kv", hardenedVault())
	records := res(TypeStorageAccount, "records", hardenedAccount("hhprodrecords"))
	server := res(TypePostgresServer, "db", primaryServer())
	cluster := res(TypeManagedCluster, "aks", hardenedCluster())
	gateway := res(TypeApplicationGateway, "agw", hardenedGateway())
	backups := res(TypeRecoveryVault, "rsv", hardenedRecoveryVault())
	logs := workspace(goodWorkspace)
	diagnosed := []rules.Resource{
		vault, records, server, cluster, gateway, backups, logs,
		diagnosticSetting("kv", vaultID, archiveID), diagnosticSetting("records", recordsID+"/blobServices/default", archiveID),
		diagnosticSetting("db", serverID, archiveID), diagnosticSetting("aks", clusterID, archiveID), diagnosticSetting("agw", gatewayID, archiveID),
		diagnosticSetting("rsv", backupsID, archiveID), diagnosticSetting("logs", workspaceID, archiveID),
	}
	auditOnly := withInput(diagnosticSetting("kv", vaultID, archiveID), "logs", []any{map[string]any{"categoryGroup": "audit", "enabled": true}})
	// A category of the vault's that records no one's access: policy evaluations.
	unrelated := withInput(diagnosticSetting("rsv", backupsID, archiveID), "logs", []any{map[string]any{"category": "AzurePolicyEvaluationDetails", "enabled": true}})
	// A Key Vault setting names a key vault; the backup vault of the same name is another.
	keyVaultOfTheName := diagnosticSetting("kv", group+"/providers/Microsoft.KeyVault/vaults/hh-prod-rsv", archiveID)
	operational := res(TypeStorageAccount, "flows", with(hardenedAccount("hhprodflows"), "tags", map[string]any{"environment": "production", "data-classification": "operational", "owner": "platform"}))
	// At preview the ids are unknown: a setting is matched by the resource it refers to.
	unnamedVault := res(TypeVault, "kv", with(hardenedVault(), "vaultName", nil))
	previewSetting := dependsOn(diagnosticSetting("kv", rules.Unknown, rules.Unknown), unnamedVault)
	metricsOnly := withInput(diagnosticSetting("kv", vaultID, archiveID), "logs", []any{map[string]any{"categoryGroup": "allLogs", "enabled": false}})
	nowhere := withInput(withInput(diagnosticSetting("kv", vaultID, archiveID), "workspaceId", nil), "storageAccountId", nil)

	stack := func(extra ...rules.Resource) []rules.Resource {
		return append([]rules.Resource{provider, vault}, extra...)
	}
	alerting := securityAlerting()
	grouped := []rules.Resource{activityAlert("everything", SecurityOperations...)}
	var noKeyVault []rules.Resource
	for _, a := range alerting {
		if a.Name != "Microsoft.KeyVault/vaults/delete" {
			noKeyVault = append(noKeyVault, a)
		}
	}
	disabled := append(append([]rules.Resource{}, noKeyVault...), withInput(activityAlert("kv", "Microsoft.KeyVault/vaults/delete"), "enabled", false))
	onAGroup := append(append([]rules.Resource{}, noKeyVault...), withInput(activityAlert("kv", "Microsoft.KeyVault/vaults/delete"), "scopes", []any{group}))
	muted := append(append([]rules.Resource{}, noKeyVault...), withInput(activityAlert("kv", "Microsoft.KeyVault/vaults/delete"), "actions", map[string]any{"actionGroups": []any{}}))
	// The alert with its category condition changed: Key Vault deletions are logged as
	// Administrative events only.
	inCategory := func(category map[string]any) []rules.Resource {
		a := activityAlert("kv", "Microsoft.KeyVault/vaults/delete")
		conditions := append([]any{}, a.Inputs["condition"].(map[string]any)["allOf"].([]any)[1:]...)
		if category != nil {
			conditions = append([]any{category}, conditions...)
		}
		return append(append([]rules.Resource{}, noKeyVault...), withInput(a, "condition.allOf", conditions))
	}

	return []ruleCase{
		{"azure-loganalytics-hardened", "a year, Entra only", []rules.Resource{workspace(goodWorkspace)}, false, "", ""},
		{"azure-loganalytics-hardened", "a table archived six years", []rules.Resource{table(int64(2190))}, false, "", ""},
		{"azure-loganalytics-hardened", "Azure's default 30 days", []rules.Resource{workspace(with(goodWorkspace, "retentionInDays", nil))}, true, "retentionInDays is 0; at least 90", ""},
		{"azure-loganalytics-hardened", "workspace keys", []rules.Resource{workspace(set(goodWorkspace, "features.disableLocalAuth", false))}, true, "features.disableLocalAuth must be true", ""},
		{"azure-loganalytics-hardened", "a table kept a year", []rules.Resource{table(int64(365))}, true, "totalRetentionInDays is 365; at least 2190", ""},
		{"azure-loganalytics-hardened", "a table left to the workspace", []rules.Resource{table(int64(-1))}, true, "totalRetentionInDays is -1", ""},

		{"azure-monitor-diagnostic-settings", "every store, vault, cluster, gateway, backup vault and the workspace", diagnosed, false, "", ""},
		{"azure-monitor-diagnostic-settings", "the audit group alone", []rules.Resource{vault, auditOnly}, false, "", ""},
		{"azure-monitor-diagnostic-settings", "an operational account is its owners' call", []rules.Resource{operational}, false, "", ""},
		{"azure-monitor-diagnostic-settings", "at preview, by reference", []rules.Resource{unnamedVault, previewSetting}, false, "", ""},
		{"azure-monitor-diagnostic-settings", "a vault without one", []rules.Resource{vault}, true, "no diagnostic setting of the stack sends this resource's logs", ""},
		{"azure-monitor-diagnostic-settings", "an untagged account is held to the PHI rule", []rules.Resource{res(TypeStorageAccount, "x", with(hardenedAccount("hhprodx"), "tags", nil))}, true, "no diagnostic setting", ""},
		{"azure-monitor-diagnostic-settings", "a setting of another resource", []rules.Resource{server, diagnosticSetting("kv", vaultID, archiveID)}, true, "no diagnostic setting", ""},
		{"azure-monitor-diagnostic-settings", "metrics only", []rules.Resource{vault, metricsOnly}, true, "no diagnostic setting", ""},
		{"azure-monitor-diagnostic-settings", "logs to nowhere", []rules.Resource{vault, nowhere}, true, "no diagnostic setting", ""},
		{"azure-monitor-diagnostic-settings", "a backup vault without one", []rules.Resource{backups}, true, "no diagnostic setting", ""},
		{"azure-monitor-diagnostic-settings", "a backup vault with another kind's setting of its name", []rules.Resource{backups, keyVaultOfTheName}, true, "no diagnostic setting", ""},
		{"azure-monitor-diagnostic-settings", "a workspace without one", []rules.Resource{logs}, true, "no diagnostic setting", ""},
		{"azure-monitor-diagnostic-settings", "an unrelated category only", []rules.Resource{backups, unrelated}, true, "no diagnostic setting", ""},

		{"azure-monitor-activity-log-export", "all logs to the workspace and the archive", stack(activityExport()), false, "", ""},
		{"azure-monitor-activity-log-export", "the four categories", stack(activityExport(
			map[string]any{"category": "Administrative", "enabled": true}, map[string]any{"category": "Security", "enabled": true},
			map[string]any{"category": "Policy", "enabled": true}, map[string]any{"category": "Alert", "enabled": true},
		)), false, "", ""},
		{"azure-monitor-activity-log-export", "a stack that deploys nothing to Azure", []rules.Resource{provider}, false, "", ""},
		{"azure-monitor-activity-log-export", "no export", stack(), true, "no subscription diagnostic setting exports the activity log", ""},
		{"azure-monitor-activity-log-export", "administrative changes only", stack(activityExport(map[string]any{"category": "Administrative", "enabled": true})), true, "no subscription diagnostic setting", ""},
		{"azure-monitor-activity-log-export", "all logs turned off", stack(activityExport(map[string]any{"categoryGroup": "allLogs", "enabled": false})), true, "no subscription diagnostic setting", ""},
		{"azure-monitor-activity-log-export", "to nowhere", stack(withInput(withInput(activityExport(), "workspaceId", nil), "storageAccountId", nil)), true, "no subscription diagnostic setting", ""},

		{"azure-monitor-security-alerts", "one alert per operation", stack(alerting...), false, "", ""},
		{"azure-monitor-security-alerts", "one alert on every operation", stack(grouped...), false, "", ""},
		{"azure-monitor-security-alerts", "a stack that deploys nothing to Azure", []rules.Resource{provider}, false, "", ""},
		{"azure-monitor-security-alerts", "no alerts", stack(), true, "no enabled activity log alert on the subscription's Administrative events notifies an action group of Microsoft.Authorization/policyAssignments/write", ""},
		{"azure-monitor-security-alerts", "key vault deletion not alerted", stack(noKeyVault...), true, "of Microsoft.KeyVault/vaults/delete", ""},
		{"azure-monitor-security-alerts", "a disabled alert", stack(disabled...), true, "Microsoft.KeyVault/vaults/delete", ""},
		{"azure-monitor-security-alerts", "an alert on one resource group", stack(onAGroup...), true, "Microsoft.KeyVault/vaults/delete", ""},
		{"azure-monitor-security-alerts", "an alert that notifies no one", stack(muted...), true, "Microsoft.KeyVault/vaults/delete", ""},
		{"azure-monitor-security-alerts", "an alert on the administrative and security categories", stack(inCategory(map[string]any{"field": "category", "containsAny": []any{"Administrative", "Security"}})...), false, "", ""},
		{"azure-monitor-security-alerts", "an alert on the Security category", stack(inCategory(map[string]any{"field": "category", "equals": "Security"})...), true, "Administrative events notifies an action group of Microsoft.KeyVault/vaults/delete", ""},
		{"azure-monitor-security-alerts", "an alert with no category", stack(inCategory(nil)...), true, "Microsoft.KeyVault/vaults/delete", ""},
	}
}

func TestSubscriptionFindingsLandOnTheProvider(t *testing.T) {
	vs := rules.Evaluate(Rules, []rules.Resource{res(TypeKey, "database", rotatingKey()), provider}, rulestest.AzureConfig)
	var subscriptionWide []rules.Violation
	for _, v := range vs {
		if slices.Contains(SubscriptionRules, v.Policy) {
			subscriptionWide = append(subscriptionWide, v)
		}
	}
	require.Len(t, subscriptionWide, 2, "the activity log export and the security alerts")
	for _, v := range subscriptionWide {
		assert.Equal(t, provider.URN, v.URN, v.Policy)
	}
}

func TestRuleNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		assert.False(t, seen[r.Name], r.Name)
		seen[r.Name] = true
	}
	for _, n := range SubscriptionRules {
		assert.True(t, seen[n], "subscription rule %s is not a rule of the package", n)
	}
}

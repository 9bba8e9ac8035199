package azure

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	laWorkspace     = "azure-native:operationalinsights:Workspace"
	laTable         = "azure-native:operationalinsights:Table"
	subDiagnostics  = "azure-native:insights:SubscriptionDiagnosticSetting"
	diagSetting     = "azure-native:insights:DiagnosticSetting"
	storageAccount  = "azure-native:storage:StorageAccount"
	logsVaultUri    = "https://hhkvuks.vault.azure.net/"
	archiveName     = "hhauditarchive"
	trailWorkspace  = "hh-logs"
	otherSubscribed = "11111111-2222-4333-8444-555555555555"
)

var (
	logsIdentity  = azurekittest.ResourceID("Microsoft.ManagedIdentity", "userAssignedIdentities", "hh-id-logs")
	workspaceARM  = azurekittest.ResourceID("Microsoft.OperationalInsights", "workspaces", trailWorkspace)
	archiveARM    = azurekittest.ResourceID("Microsoft.Storage", "storageAccounts", archiveName)
	defaultTables = []string{
		"AzureActivity", "AzureDiagnostics", "AKSAudit", "AKSAuditAdmin", "AKSControlPlane",
		"AZKVAuditLogs", "PGSQLServerLogs", "StorageBlobLogs", "LAQueryLogs", "ContainerLogV2",
	}
)

func trailArgs(mutate func(*AuditTrailArgs)) *AuditTrailArgs {
	a := &AuditTrailArgs{
		Prefix: "hh", ResourceGroupName: pulumi.String(azurekittest.ResourceGroup), Location: azurekittest.PrimaryLocation,
		KeyVaultUri: pulumi.String(logsVaultUri), KeyName: pulumi.String("logs"), IdentityId: pulumi.String(logsIdentity),
		SubscriptionID: azurekittest.Subscription, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestAuditTrailDefaults(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		trail, err := NewAuditTrail(ctx, "audit", trailArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("workspaceId", trail.WorkspaceId)
		ctx.Export("workspaceName", trail.WorkspaceName)
		ctx.Export("workspaceCustomerId", trail.WorkspaceCustomerId)
		ctx.Export("archiveAccountId", trail.ArchiveAccountId)
		ctx.Export("archiveAccountName", trail.ArchiveAccountName)
		return nil
	})
	categories := []any{}
	for _, c := range []string{"Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth"} {
		categories = append(categories, map[string]any{"category": c, "enabled": true})
	}
	table := []kittest.Expectation{
		{Type: laWorkspace, Name: trailWorkspace, Path: "workspaceName", Want: trailWorkspace},
		{Type: laWorkspace, Name: trailWorkspace, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: laWorkspace, Name: trailWorkspace, Path: "location", Want: azurekittest.PrimaryLocation},
		{Type: laWorkspace, Name: trailWorkspace, Path: "sku.name", Want: "PerGB2018"},
		{Type: laWorkspace, Name: trailWorkspace, Path: "retentionInDays", Want: int64(365)},
		{Type: laWorkspace, Name: trailWorkspace, Path: "features.disableLocalAuth", Want: true},
		{Type: laWorkspace, Name: trailWorkspace, Path: "features.enableLogAccessUsingOnlyResourcePermissions", Want: true},
		{Type: laWorkspace, Name: trailWorkspace, Path: "workspaceCapping.dailyQuotaGb", Want: int64(-1)},
		{Type: laWorkspace, Name: trailWorkspace, Path: "publicNetworkAccessForIngestion", Want: "Enabled"},
		{Type: laWorkspace, Name: trailWorkspace, Path: "publicNetworkAccessForQuery", Want: "Enabled"},
		{Type: laWorkspace, Name: trailWorkspace, Path: "tags.data-classification", Want: "phi"},
		// The archive: immutable for as long as the tables keep their rows, locked in
		// production, reachable by Azure Monitor as a trusted service only.
		{Type: storageAccount, Name: archiveName, Path: "accountName", Want: archiveName},
		{Type: storageAccount, Name: archiveName, Path: "location", Want: azurekittest.PrimaryLocation},
		{Type: storageAccount, Name: archiveName, Path: "encryption.keyVaultProperties.keyVaultUri", Want: logsVaultUri},
		{Type: storageAccount, Name: archiveName, Path: "encryption.keyVaultProperties.keyName", Want: "logs"},
		{Type: storageAccount, Name: archiveName, Path: "immutableStorageWithVersioning.enabled", Want: true},
		{Type: storageAccount, Name: archiveName, Path: "immutableStorageWithVersioning.immutabilityPolicy.immutabilityPeriodSinceCreationInDays", Want: int64(2191)},
		{Type: storageAccount, Name: archiveName, Path: "immutableStorageWithVersioning.immutabilityPolicy.state", Want: "Locked"},
		{Type: storageAccount, Name: archiveName, Path: "immutableStorageWithVersioning.immutabilityPolicy.allowProtectedAppendWrites", Want: true},
		{Type: storageAccount, Name: archiveName, Path: "networkRuleSet.defaultAction", Want: "Deny"},
		{Type: storageAccount, Name: archiveName, Path: "allowSharedKeyAccess", Want: false},
		// The activity log: every category, to the workspace and the archive.
		{Type: subDiagnostics, Name: "hh-activity-log", Path: "name", Want: "hh-activity-log"},
		{Type: subDiagnostics, Name: "hh-activity-log", Path: "logs", Want: categories},
		{Type: subDiagnostics, Name: "hh-activity-log", Path: "workspaceId", Want: workspaceARM},
		{Type: subDiagnostics, Name: "hh-activity-log", Path: "storageAccountId", Want: archiveARM},
		// The workspace's own logs: who queried the trail.
		{Type: diagSetting, Name: "hh-logs-diagnostics-workspace", Path: "resourceUri", Want: workspaceARM},
		{Type: diagSetting, Name: "hh-logs-diagnostics-workspace", Path: "logs", Want: []any{map[string]any{"categoryGroup": "allLogs", "enabled": true}}},
		{Type: diagSetting, Name: "hh-logs-diagnostics-workspace", Path: "workspaceId", Want: workspaceARM},
		{Type: diagSetting, Name: "hh-logs-diagnostics-workspace", Path: "storageAccountId", Want: archiveARM},
		// The archive's access log, to the workspace alone.
		{Type: diagSetting, Name: "hh-audit-archive-blobs", Path: "resourceUri", Want: archiveARM + "/blobServices/default"},
		{Type: diagSetting, Name: "hh-audit-archive-blobs", Path: "logs", Want: []any{map[string]any{"categoryGroup": "allLogs", "enabled": true}}},
		{Type: diagSetting, Name: "hh-audit-archive-blobs", Path: "workspaceId", Want: workspaceARM},
		{Type: diagSetting, Name: "hh-audit-archive-blobs", Path: "logAnalyticsDestinationType", Want: "Dedicated"},
	}
	for _, name := range defaultTables {
		r := trailWorkspace + "-" + name
		table = append(table,
			kittest.Expectation{Type: laTable, Name: r, Path: "tableName", Want: name},
			kittest.Expectation{Type: laTable, Name: r, Path: "workspaceName", Want: trailWorkspace},
			kittest.Expectation{Type: laTable, Name: r, Path: "retentionInDays", Want: int64(365)},
			kittest.Expectation{Type: laTable, Name: r, Path: "totalRetentionInDays", Want: int64(2191)},
		)
	}
	kittest.AssertInputs(t, m, table)
	assert.Len(t, m.ByType(laTable), len(defaultTables))
	blobs, _ := m.Find(diagSetting, "hh-audit-archive-blobs")
	_, loop := blobs.Get("storageAccountId")
	assert.False(t, loop, "the archive's access log is not written into the archive")
	assert.GreaterOrEqual(t, auditDefaultArchiveDays, kit.MinRetentionDays, "the default is at the floor or past it")

	for _, typ := range []string{laWorkspace, laTable, storageAccount} {
		for _, r := range m.ByType(typ) {
			assert.True(t, r.Protect, "%s survives a destroy", r.Name)
			assert.True(t, r.RetainOnDelete, r.Name)
		}
	}

	out := m.Outputs()
	assert.Equal(t, workspaceARM, out["workspaceId"].Value)
	assert.Equal(t, trailWorkspace, out["workspaceName"].Value)
	assert.NotEmpty(t, out["workspaceCustomerId"].Value)
	assert.Equal(t, archiveARM, out["archiveAccountId"].Value)
	assert.Equal(t, archiveName, out["archiveAccountName"].Value)

	assert.Empty(t, azurekittest.Violations(m, "production"), "the audit trail passes the whole policy pack")
	// Of the subscription's rules, the trail meets on its own the activity log export and
	// the diagnostic settings of what it builds; the security alerts are AlertChannels'.
	subscription := kittest.Policies(azurekittest.SubscriptionViolations(m, "production"))
	assert.NotContains(t, subscription, "azure-monitor-activity-log-export")
	assert.NotContains(t, subscription, "azure-monitor-diagnostic-settings")
}

func TestAuditTrailOutsideProduction(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewAuditTrail(ctx, "audit", trailArgs(func(a *AuditTrailArgs) {
			a.Protect, a.RetentionDays, a.ArchiveDays = false, 90, 2556
			a.Tables, a.ArchiveAccountName = []string{"AzureActivity", "AKSAudit"}, "hhdevaudit"
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: laWorkspace, Name: trailWorkspace, Path: "retentionInDays", Want: int64(90)},
		{Type: laTable, Name: trailWorkspace + "-AKSAudit", Path: "totalRetentionInDays", Want: int64(2556)},
		{Type: laTable, Name: trailWorkspace + "-AKSAudit", Path: "retentionInDays", Want: int64(90)},
		{Type: storageAccount, Name: "hhdevaudit", Path: "immutableStorageWithVersioning.immutabilityPolicy.immutabilityPeriodSinceCreationInDays", Want: int64(2556)},
		{Type: storageAccount, Name: "hhdevaudit", Path: "immutableStorageWithVersioning.immutabilityPolicy.state", Want: "Unlocked"},
		{Type: laWorkspace, Name: trailWorkspace, Path: "features.disableLocalAuth", Want: true},
	})
	assert.Len(t, m.ByType(laTable), 2)
	for _, typ := range []string{laWorkspace, laTable, storageAccount} {
		for _, r := range m.ByType(typ) {
			assert.False(t, r.Protect, "%s can be torn down outside production", r.Name)
		}
	}
	assert.Empty(t, azurekittest.Violations(m, "dev"), "dev keeps the records as long")
	assert.NotContains(t, kittest.Policies(azurekittest.SubscriptionViolations(m, "dev")), "azure-monitor-activity-log-export")
}

func TestAuditTrailFirstProductionDeployment(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewAuditTrail(ctx, "audit", trailArgs(func(a *AuditTrailArgs) { a.ArchiveImmutabilityUnlocked = true }), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: storageAccount, Name: archiveName, Path: "immutableStorageWithVersioning.immutabilityPolicy.state", Want: "Unlocked"},
		{Type: storageAccount, Name: archiveName, Path: "immutableStorageWithVersioning.immutabilityPolicy.immutabilityPeriodSinceCreationInDays", Want: int64(2191)},
	})
}

func TestAuditTrailRefusesAnotherSubscription(t *testing.T) {
	m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewAuditTrail(ctx, "audit", trailArgs(func(a *AuditTrailArgs) { a.SubscriptionID = otherSubscribed }), pulumi.Provider(p.Primary))
		return err
	})
	require.ErrorContains(t, err, "AuditTrail: SubscriptionID = "+otherSubscribed+": must be the subscription the provider deploys to ("+azurekittest.Subscription+")")
	for _, r := range m.Resources() {
		assert.False(t, r.Custom && !r.IsProvider(), "registered %s %s before failing", r.Type, r.Name)
	}
}

func TestAuditTrailArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*AuditTrailArgs)
		want   string
	}{
		{"bad prefix", func(a *AuditTrailArgs) { a.Prefix = "hh-audit" }, `AuditTrail: Prefix = "hh-audit": must be 2 to 10 lowercase letters or digits`},
		{"display-name location", func(a *AuditTrailArgs) { a.Location = "UK South" }, `AuditTrail: Location = "UK South"`},
		{"no resource group", func(a *AuditTrailArgs) { a.ResourceGroupName = nil }, "AuditTrail: ResourceGroupName = <nil>: required"},
		{"short interactive retention", func(a *AuditTrailArgs) { a.RetentionDays = 30 }, "AuditTrail: RetentionDays = 30: must be 90 to 730"},
		{"interactive past Azure's limit", func(a *AuditTrailArgs) { a.RetentionDays = 1095 }, "AuditTrail: RetentionDays = 1095: must be 90 to 730"},
		{"archive under the floor", func(a *AuditTrailArgs) { a.ArchiveDays = 1826 }, "AuditTrail: ArchiveDays = 1826: must be at least 2190"},
		{"archive Azure refuses", func(a *AuditTrailArgs) { a.ArchiveDays = 2190 }, "AuditTrail: ArchiveDays = 2190: must be one of [1095 1460 1826 2191"},
		{"archive past twelve years", func(a *AuditTrailArgs) { a.ArchiveDays = 5000 }, "AuditTrail: ArchiveDays = 5000: must be one of"},
		{"no tables", func(a *AuditTrailArgs) { a.Tables = []string{} }, "AuditTrail: Tables = []: must name at least one table"},
		{"bad table", func(a *AuditTrailArgs) { a.Tables = []string{"AKS Audit"} }, `AuditTrail: Tables = "AKS Audit": must be distinct Log Analytics table names`},
		{"repeated table", func(a *AuditTrailArgs) { a.Tables = []string{"AKSAudit", "AKSAudit"} }, `AuditTrail: Tables = "AKSAudit": must be distinct`},
		{"custom table", func(a *AuditTrailArgs) { a.Tables = []string{"App_CL"} }, `AuditTrail: Tables = "App_CL": must be built-in tables`},
		{"no vault", func(a *AuditTrailArgs) { a.KeyVaultUri = nil }, "AuditTrail: KeyVaultUri = <nil>: required"},
		{"no key", func(a *AuditTrailArgs) { a.KeyName = nil }, "AuditTrail: KeyName = <nil>: required"},
		{"no identity", func(a *AuditTrailArgs) { a.IdentityId = nil }, "AuditTrail: IdentityId = <nil>: required"},
		{"no subscription", func(a *AuditTrailArgs) { a.SubscriptionID = "" }, `AuditTrail: SubscriptionID = "": must be the subscription's id`},
		{"subscription name", func(a *AuditTrailArgs) { a.SubscriptionID = "healthhub-prod" }, `AuditTrail: SubscriptionID = "healthhub-prod"`},
		{"untagged", func(a *AuditTrailArgs) { a.Tags = nil }, "AuditTrail: Tags = map[]: must include"},
		{"archive name Azure refuses", func(a *AuditTrailArgs) { a.ArchiveAccountName = "hh-audit-archive" }, `SecureStorage: Name = "hh-audit-archive"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewAuditTrail(ctx, "audit", trailArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

package azure

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// AuditTrailArgs configures the subscription's audit trail (164.312(b) audit controls): a
// Log Analytics workspace to search it and an immutable storage account that keeps it.
type AuditTrailArgs struct {
	// Prefix names the workspace <prefix>-logs and the activity log export
	// <prefix>-activity-log.
	Prefix string
	// ResourceGroupName and Location are the workspace's and the archive's.
	ResourceGroupName pulumi.StringInput
	Location          string
	// RetentionDays is how long the workspace's tables stay searchable by query
	// (interactive retention): default 365, 90 to 730.
	RetentionDays int
	// ArchiveDays is each table's total retention, after which Azure deletes the rows:
	// at least the HIPAA six years, and past 730 days a whole number of years, the only
	// values Azure accepts. Default 2191, the first such value past the floor. The archive
	// account is immutable for as long.
	ArchiveDays int
	// Tables get ArchiveDays (default: the activity log, the resource logs the estate
	// collects and the cluster's container logs). Built-in tables only: a custom (_CL)
	// table needs a schema this component does not define.
	Tables []string
	// ArchiveAccountName is the archive storage account's name, unique across Azure
	// (default <prefix>auditarchive).
	ArchiveAccountName string
	// KeyVaultUri, KeyName and IdentityId encrypt the archive: the logs domain's vault URI,
	// key name, and the identity (ARM id) granted that key.
	KeyVaultUri pulumi.StringInput
	KeyName     pulumi.StringInput
	IdentityId  pulumi.StringInput
	// ArchiveImmutabilityUnlocked creates a protected archive's immutability policy
	// Unlocked, for the first deployment of a production trail: ARM locks a policy only on
	// an update (SecureStorageArgs.ImmutabilityUnlocked).
	ArchiveImmutabilityUnlocked bool
	// SubscriptionID is the subscription whose activity log is exported. The export is
	// made through the component's provider, which must deploy to this subscription.
	SubscriptionID string
	// Protect keeps the workspace, its tables and the archive through destroys and config
	// changes, and locks the archive's immutability (production).
	Protect bool
	Tags    map[string]string
}

// AuditTrail is the Log Analytics workspace every diagnostic setting writes to, with
// six-year retention on the audit tables, the immutable archive account, and the
// subscription's activity log exported to both. The workspace's query log and the archive's
// access log are collected too: reading the audit trail is itself audited.
type AuditTrail struct {
	pulumi.ResourceState

	WorkspaceId         pulumi.StringOutput `pulumi:"workspaceId"`
	WorkspaceName       pulumi.StringOutput `pulumi:"workspaceName"`
	WorkspaceCustomerId pulumi.StringOutput `pulumi:"workspaceCustomerId"`
	ArchiveAccountId    pulumi.StringOutput `pulumi:"archiveAccountId"`
	ArchiveAccountName  pulumi.StringOutput `pulumi:"archiveAccountName"`
}

const (
	auditDefaultRetentionDays = 365
	auditMinRetentionDays     = 90
	// auditMaxRetentionDays is the longest interactive retention Log Analytics offers.
	auditMaxRetentionDays = 730
)

// auditTotalRetentionYears are the total retentions past two years Log Analytics accepts; the
// config validator refuses any other logRetentionDays on Azure with the same list.
var auditTotalRetentionYears = azureformat.LogAnalyticsTotalRetention

// auditDefaultArchiveDays is the first total retention Azure accepts at or past the floor.
var auditDefaultArchiveDays = auditTotalRetentionYears[slices.IndexFunc(auditTotalRetentionYears, func(d int) bool { return d >= kit.MinRetentionDays })]

// auditDefaultTables are where the estate's audit records land: the activity log, the
// Kubernetes API audit and control plane logs, Key Vault and PostgreSQL audit logs and blob
// access logs in their resource-specific tables (Diagnostics sends them there), the shared
// table for resources that have none, the workspace's own query log, and the containers'
// logs.
var auditDefaultTables = []string{
	"AzureActivity", "AzureDiagnostics", "AKSAudit", "AKSAuditAdmin", "AKSControlPlane",
	"AZKVAuditLogs", "PGSQLServerLogs", "StorageBlobLogs", "LAQueryLogs", "ContainerLogV2",
}

// auditActivityCategories are every category of the activity log; CIS Azure 5.1.2 asks for
// Administrative, Alert, Policy and Security at least.
var auditActivityCategories = []string{
	"Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth",
}

// auditTable is a Log Analytics table name.
var auditTable = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,62}$`)

// Validate fills the defaults and checks the Args, the archive's among them, before anything
// is registered.
func (a *AuditTrailArgs) Validate() error {
	const c = "AuditTrail"
	if a.RetentionDays == 0 {
		a.RetentionDays = auditDefaultRetentionDays
	}
	if a.ArchiveDays == 0 {
		a.ArchiveDays = auditDefaultArchiveDays
	}
	if a.Tables == nil {
		a.Tables = slices.Clone(auditDefaultTables)
	}
	if !azureformat.Prefix.MatchString(a.Prefix) {
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must be 2 to 10 lowercase letters or digits, starting with a letter (it names the workspace and the archive)")
	}
	a.ArchiveAccountName = cmp.Or(a.ArchiveAccountName, a.Prefix+"auditarchive")
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	switch {
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	case a.RetentionDays < auditMinRetentionDays || a.RetentionDays > auditMaxRetentionDays:
		return kit.ArgError(c, "RetentionDays", a.RetentionDays, "must be %d to %d", auditMinRetentionDays, auditMaxRetentionDays)
	case a.ArchiveDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "ArchiveDays", a.ArchiveDays)
	case !slices.Contains(auditTotalRetentionYears, a.ArchiveDays):
		return kit.ArgError(c, "ArchiveDays", a.ArchiveDays, "must be one of %v: past two years Log Analytics keeps whole years only", auditTotalRetentionYears)
	case len(a.Tables) == 0:
		return kit.ArgError(c, "Tables", "[]", "must name at least one table, or be nil for the defaults")
	case a.KeyVaultUri == nil:
		return kit.ArgError(c, "KeyVaultUri", nil, "required: the archive is always encrypted with a customer-managed key")
	case a.KeyName == nil:
		return kit.ArgError(c, "KeyName", nil, "required: the archive is always encrypted with a customer-managed key")
	case a.IdentityId == nil:
		return kit.ArgError(c, "IdentityId", nil, "required: the identity the archive uses its key through")
	case !azureformat.GUID.MatchString(a.SubscriptionID):
		return kit.ArgError(c, "SubscriptionID", fmt.Sprintf("%q", a.SubscriptionID), "must be the subscription's id, a GUID")
	}
	for i, t := range a.Tables {
		switch {
		case !auditTable.MatchString(t) || slices.Contains(a.Tables[:i], t):
			return kit.ArgError(c, "Tables", fmt.Sprintf("%q", t), "must be distinct Log Analytics table names such as AzureActivity")
		case strings.HasSuffix(t, "_CL"):
			return kit.ArgError(c, "Tables", fmt.Sprintf("%q", t), "must be built-in tables: a custom table needs a schema")
		}
	}
	if err := azurekit.RequireTags(c, a.Tags); err != nil {
		return err
	}
	return a.archive().Validate()
}

// archive is the archive account's Args. It holds nothing but logs, which never change, so
// it is immutable for as long as the tables keep them; Azure Monitor creates its own
// insights-* containers.
func (a *AuditTrailArgs) archive() *SecureStorageArgs {
	return &SecureStorageArgs{
		Name:                 a.ArchiveAccountName,
		ResourceGroupName:    a.ResourceGroupName,
		Location:             a.Location,
		KeyVaultUri:          a.KeyVaultUri,
		KeyName:              a.KeyName,
		IdentityId:           a.IdentityId,
		Immutable:            true,
		ImmutabilityDays:     a.ArchiveDays,
		ImmutabilityUnlocked: a.ArchiveImmutabilityUnlocked,
		// Diagnostic settings and the activity log export write through the account's
		// public endpoint as a trusted service; every other caller is denied.
		TrustedServiceAccess: true,
		Protect:              a.Protect,
		Tags:                 a.Tags,
	}
}

// NewAuditTrail creates the workspace and its tables' retention, the archive, the activity
// log export and the workspace's own diagnostics.
func NewAuditTrail(ctx *pulumi.Context, name string, args *AuditTrailArgs, opts ...pulumi.ResourceOption) (*AuditTrail, error) {
	t := &AuditTrail{}
	if err := kit.Register(ctx, TypeAuditTrail, name, args, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	client, err := azurekit.LookupClient(ctx, t)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(client.SubscriptionID, args.SubscriptionID) {
		return nil, kit.ArgError("AuditTrail", "SubscriptionID", args.SubscriptionID,
			"must be the subscription the provider deploys to (%s): the export is made there", client.SubscriptionID)
	}

	id := args.Prefix + "-logs"
	workspace, err := operationalinsights.NewWorkspace(ctx, id, &operationalinsights.WorkspaceArgs{
		WorkspaceName:     pulumi.String(id),
		ResourceGroupName: args.ResourceGroupName,
		Location:          pulumi.String(args.Location),
		Sku:               operationalinsights.WorkspaceSkuArgs{Name: pulumi.String("PerGB2018")},
		RetentionInDays:   pulumi.Int(args.RetentionDays),
		Features: operationalinsights.WorkspaceFeaturesArgs{
			// Entra ID only: no shared keys that write or read the trail without naming
			// who did.
			DisableLocalAuth: pulumi.Bool(true),
			// A reader sees the rows of the resources they may read, not the whole trail.
			EnableLogAccessUsingOnlyResourcePermissions: pulumi.Bool(true),
		},
		// No daily cap: a capped workspace stops ingesting, and the audit records of the
		// rest of the day are lost. -1 also undoes a cap set by hand.
		WorkspaceCapping: operationalinsights.WorkspaceCappingArgs{DailyQuotaGb: pulumi.Float64(-1)},
		// Public ingestion and query stay enabled: the cluster's monitoring agents and the
		// operators reach the workspace without an Azure Monitor Private Link Scope, which
		// the estate does not build. Both are Entra-authenticated (DisableLocalAuth).
		PublicNetworkAccessForIngestion: pulumi.String("Enabled"),
		PublicNetworkAccessForQuery:     pulumi.String("Enabled"),
		Tags:                            azurekit.Tags(args.Tags),
	}, kit.Stateful(t, args.Protect)...)
	if err != nil {
		return nil, err
	}
	// Deleting a table resource resets the table to the workspace's retention, which would
	// delete five years of records: the tables are kept like the workspace.
	for _, table := range args.Tables {
		if _, err := operationalinsights.NewTable(ctx, id+"-"+table, &operationalinsights.TableArgs{
			ResourceGroupName:    args.ResourceGroupName,
			WorkspaceName:        workspace.Name,
			TableName:            pulumi.String(table),
			RetentionInDays:      pulumi.Int(args.RetentionDays),
			TotalRetentionInDays: pulumi.Int(args.ArchiveDays),
		}, kit.Stateful(t, args.Protect)...); err != nil {
			return nil, err
		}
	}

	archive, err := NewSecureStorage(ctx, args.Prefix+"-audit-archive", args.archive(), parent)
	if err != nil {
		return nil, err
	}

	var categories insights.SubscriptionLogSettingsArray
	for _, c := range auditActivityCategories {
		categories = append(categories, insights.SubscriptionLogSettingsArgs{Category: pulumi.String(c), Enabled: pulumi.Bool(true)})
	}
	// The control-plane record of the subscription (CIS Azure 5.1): Azure keeps it for 90
	// days only, so it is exported to the workspace (AzureActivity) and the archive.
	if _, err := insights.NewSubscriptionDiagnosticSetting(ctx, args.Prefix+"-activity-log", &insights.SubscriptionDiagnosticSettingArgs{
		Name:             pulumi.String(args.Prefix + "-activity-log"),
		Logs:             categories,
		WorkspaceId:      workspace.ID().ToStringOutput(),
		StorageAccountId: archive.AccountId,
	}, parent); err != nil {
		return nil, err
	}
	// Who queried the trail (LAQueryLogs), kept as long as the trail.
	if _, err := NewDiagnostics(ctx, args.Prefix+"-logs-diagnostics", &DiagnosticsArgs{
		WorkspaceId:      workspace.ID().ToStringOutput(),
		StorageAccountId: archive.AccountId,
		Targets:          []DiagnosticTarget{{Name: "workspace", ResourceId: workspace.ID().ToStringOutput()}},
	}, parent); err != nil {
		return nil, err
	}
	// Who read or wrote the archive (StorageBlobLogs), to the workspace only: written to the
	// archive, each write would log another write.
	if _, err := insights.NewDiagnosticSetting(ctx, args.Prefix+"-audit-archive-blobs", &insights.DiagnosticSettingArgs{
		Name:        pulumi.String(diagnosticSettingName),
		ResourceUri: pulumi.Sprintf("%s/blobServices/default", archive.AccountId),
		Logs: insights.LogSettingsArray{insights.LogSettingsArgs{
			CategoryGroup: pulumi.String("allLogs"),
			Enabled:       pulumi.Bool(true),
		}},
		WorkspaceId:                 workspace.ID().ToStringOutput(),
		LogAnalyticsDestinationType: pulumi.String("Dedicated"),
	}, parent); err != nil {
		return nil, err
	}

	t.WorkspaceId = workspace.ID().ToStringOutput()
	t.WorkspaceName = workspace.Name
	t.WorkspaceCustomerId = workspace.CustomerId
	t.ArchiveAccountId = archive.AccountId
	t.ArchiveAccountName = archive.AccountName
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{
		"workspaceId": t.WorkspaceId, "workspaceName": t.WorkspaceName, "workspaceCustomerId": t.WorkspaceCustomerId,
		"archiveAccountId": t.ArchiveAccountId, "archiveAccountName": t.ArchiveAccountName,
	})
}

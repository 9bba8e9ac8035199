package azure

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	azurec "github.com/healthhub/estate/components/azure"
	"github.com/healthhub/estate/internal/config"
)

// buildRecovery creates the Recovery Services vault, immutable and geo-redundant with
// cross-region restore, and sends every PHI store's, vault's and entry point's logs to the
// audit trail (which logs its own archive's reads itself, to the workspace only: archiving
// them into the archive would log its own writes). The database recovers from its replica and geo-redundant backups, the storage
// accounts from their geo-zone-redundant copies and blob versions.
func buildRecovery(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s *services) (*azurec.DisasterRecovery, error) {
	recovery, err := azurec.NewDisasterRecovery(ctx, "recovery", &azurec.DisasterRecoveryArgs{
		Prefix:            p.prefix,
		ResourceGroupName: p.group.Name,
		Location:          cfg.PrimaryRegion,
		KeyUri:            b.keys.Id(azurec.DomainBackup),
		IdentityId:        b.keys.Identity(azurec.DomainBackup).ID,
		Protect:           cfg.Production(),
		Tags:              cfg.Tags(),
	}, p.onPrimary)
	if err != nil {
		return nil, err
	}
	blob := func(account pulumi.StringOutput) pulumi.StringInput {
		return pulumi.Sprintf("%s/blobServices/default", account)
	}
	_, err = azurec.NewDiagnostics(ctx, "diagnostics", &azurec.DiagnosticsArgs{
		WorkspaceId:      b.trail.WorkspaceId,
		StorageAccountId: b.trail.ArchiveAccountId,
		Targets: []azurec.DiagnosticTarget{
			{Name: "key-vault", ResourceId: b.keys.VaultId, Metrics: true},
			{Name: "dr-key-vault", ResourceId: b.keys.DRVaultId, Metrics: true},
			{Name: "database", ResourceId: s.database.ServerId, Metrics: true},
			{Name: "dr-database", ResourceId: s.database.DRServerId, Metrics: true},
			{Name: "cluster", ResourceId: s.cluster.ClusterId, Metrics: true},
			{Name: "gateway", ResourceId: s.gateway.GatewayId, Metrics: true},
			{Name: "recovery-vault", ResourceId: recovery.VaultId},
			{Name: "flow-logs", ResourceId: blob(b.flowLogs.AccountId)},
			{Name: "dr-flow-logs", ResourceId: blob(b.drFlowLog.AccountId)},
		},
	}, p.onPrimary)
	return recovery, err
}

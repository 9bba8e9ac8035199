package gcp

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	gcpc "github.com/healthhub/estate/components/gcp"
	"github.com/healthhub/estate/internal/config"
)

// buildRecovery backs the cluster up into the DR region with Backup for GKE, under the DR
// region's backup key. The database recovers from its replica and point-in-time backups, the
// buckets from their copies, so the cluster's state is what is left to keep.
func buildRecovery(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s *services) (*gcpc.DisasterRecovery, error) {
	return gcpc.NewDisasterRecovery(ctx, "recovery", &gcpc.DisasterRecoveryArgs{
		Prefix:     cfg.Namer().Name(),
		Cluster:    s.cluster.ClusterId,
		Location:   cfg.DRRegion,
		KmsKeyName: b.keys.DRId(gcpc.DomainBackup),
		Protect:    cfg.Production(),
		Labels:     cfg.Tags(),
	}, pulumi.Provider(p.dr))
}

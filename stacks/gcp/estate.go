// Package gcp builds the GCP estate from a validated config and returns it as the platform
// contract: providers pinned to the project, then the baseline (keys, network, alert channels,
// audit trail), the platform services (cluster, data stores, entry point), the workloads' cloud
// identities and secrets, and the cluster's backups.
package gcp

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// Build builds the GCP estate.
func Build(ctx *pulumi.Context, cfg *config.Config) (*platform.Platform, error) {
	// The pager is read first, so a stack without it fails before anything is registered.
	pager, err := config.Secret(ctx, config.KeyPagerURL)
	if err != nil {
		return nil, err
	}
	p, err := newProviders(ctx, cfg)
	if err != nil {
		return nil, err
	}
	base, err := buildBaseline(ctx, cfg, p, pager)
	if err != nil {
		return nil, err
	}
	cluster, pools, err := buildCluster(ctx, cfg, p, base)
	if err != nil {
		return nil, err
	}
	ids, err := buildWorkloadIdentities(ctx, cfg, p, cluster)
	if err != nil {
		return nil, err
	}
	svc, err := buildServices(ctx, cfg, p, base, cluster, pools, ids)
	if err != nil {
		return nil, err
	}
	bindings := bindWorkloads(cfg, svc, ids)
	recovery, err := buildRecovery(ctx, cfg, p, base, svc)
	if err != nil {
		return nil, err
	}
	return contract(cfg, base, svc, bindings, recovery, pager), nil
}

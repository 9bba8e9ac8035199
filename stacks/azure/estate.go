// Package azure builds the Azure estate from a validated config and returns it as the platform
// contract: providers pinned to the subscription and the resource groups, then the baseline
// (keys, networks, alert channels, audit trail), the platform services (cluster, database,
// entry point, secrets), the workloads' identities, and recovery and diagnostics.
package azure

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// Build builds the Azure estate.
func Build(ctx *pulumi.Context, cfg *config.Config) (*platform.Platform, error) {
	// The secrets are read first, so a stack without them fails before anything is registered.
	pager, err := config.Secret(ctx, config.KeyPagerURL)
	if err != nil {
		return nil, err
	}
	cacheToken, err := config.Secret(ctx, config.KeyCacheAuthToken)
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
	svc, err := buildServices(ctx, cfg, p, base)
	if err != nil {
		return nil, err
	}
	ids, err := buildWorkloadIdentities(ctx, cfg, p, svc)
	if err != nil {
		return nil, err
	}
	if err := buildDatabase(ctx, cfg, p, base, svc, ids); err != nil {
		return nil, err
	}
	if err := buildSecrets(ctx, cfg, p, base, svc, ids, cacheToken); err != nil {
		return nil, err
	}
	recovery, err := buildRecovery(ctx, cfg, p, base, svc)
	if err != nil {
		return nil, err
	}
	return contract(cfg, p, base, svc, ids, recovery, pager), nil
}

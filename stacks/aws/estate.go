// Package aws builds the AWS estate from a validated config and returns it as the platform
// contract: providers, then the baseline (keys, networks, audit trail), the platform services
// (cluster, data stores, entry point, alerting), the serverless apps, and the backups of it all.
package aws

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/catalog"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// Build builds the AWS estate around the HealthHub service catalog.
func Build(ctx *pulumi.Context, cfg *config.Config) (*platform.Platform, error) {
	return BuildWithCatalog(ctx, cfg, catalog.HealthHub())
}

// BuildWithCatalog builds the estate around another service catalog (the benchmarks grow it).
func BuildWithCatalog(ctx *pulumi.Context, cfg *config.Config, cat catalog.Catalog) (*platform.Platform, error) {
	// Secrets are read first, so a stack without them fails before anything is registered.
	var creds secrets
	var err error
	if creds.databasePassword, err = config.Secret(ctx, config.KeyDatabasePassword); err != nil {
		return nil, err
	}
	if creds.cacheAuthToken, err = config.Secret(ctx, config.KeyCacheAuthToken); err != nil {
		return nil, err
	}

	p, err := newProviders(ctx, cfg)
	if err != nil {
		return nil, err
	}
	base, err := buildBaseline(ctx, cfg, p)
	if err != nil {
		return nil, err
	}
	svc, err := buildServices(ctx, cfg, p, base, creds)
	if err != nil {
		return nil, err
	}
	apps, err := buildServerless(ctx, cfg, cat, p.primary, p.edge, base.keys, svc.firewall.WebAclArn)
	if err != nil {
		return nil, err
	}
	recovery, err := buildRecovery(ctx, cfg, p, base, svc.database, apps.tableArns)
	if err != nil {
		return nil, err
	}
	ids, err := buildWorkloadIdentities(ctx, cfg, p, base, svc, creds)
	if err != nil {
		return nil, err
	}
	pager, err := config.Secret(ctx, config.KeyPagerURL)
	if err != nil {
		return nil, err
	}
	return contract(cfg, base, svc, apps, recovery, ids, pager), nil
}

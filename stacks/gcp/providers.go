package gcp

import (
	gcpsdk "github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
)

// providers are the estate's only ways to reach Google Cloud, one per region it uses, both
// pinned to the stack's project: credentials for another project cannot deploy there.
type providers struct {
	primary, dr *gcpsdk.Provider
}

func newProviders(ctx *pulumi.Context, cfg *config.Config) (*providers, error) {
	primary, err := provider(ctx, "primary", cfg.PrimaryRegion, cfg)
	if err != nil {
		return nil, err
	}
	dr, err := provider(ctx, "dr", cfg.DRRegion, cfg)
	if err != nil {
		return nil, err
	}
	return &providers{primary: primary, dr: dr}, nil
}

// provider is the project, an explicit region, and the estate's labels as the provider's
// default labels in case a resource type is missed.
func provider(ctx *pulumi.Context, role, region string, cfg *config.Config) (*gcpsdk.Provider, error) {
	return gcpsdk.NewProvider(ctx, "gcp-"+role, &gcpsdk.ProviderArgs{
		Project:       pulumi.String(cfg.GCP.ProjectID),
		Region:        pulumi.String(region),
		DefaultLabels: pulumi.ToStringMap(cfg.Tags()),
		// The provider's own goog-terraform-provisioned label is noise in billing reports.
		AddTerraformAttributionLabel: pulumi.Bool(false),
	})
}

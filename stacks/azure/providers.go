package azure

import (
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/naming"
)

// providers are the estate's only ways to reach Azure, one per location it uses, both pinned to
// the stack's subscription, with the resource group each location's resources live in.
type providers struct {
	primary, dr     *azurenative.Provider
	group, drGroup  *resources.ResourceGroup
	prefix          string
	onPrimary, onDR pulumi.ResourceOption
	subscription    string
}

func newProviders(ctx *pulumi.Context, cfg *config.Config) (*providers, error) {
	p := &providers{prefix: prefix(cfg), subscription: cfg.Azure.SubscriptionID}
	var err error
	if p.primary, err = provider(ctx, "primary", cfg.PrimaryRegion, cfg); err != nil {
		return nil, err
	}
	if p.dr, err = provider(ctx, "dr", cfg.DRRegion, cfg); err != nil {
		return nil, err
	}
	p.onPrimary, p.onDR = pulumi.Provider(p.primary), pulumi.Provider(p.dr)
	// The groups hold everything else: deleting one deletes what is in it, so in production
	// they are protected and retained like the data stores.
	if p.group, err = resourceGroup(ctx, cfg, p.prefix+"-rg", cfg.PrimaryRegion, p.onPrimary); err != nil {
		return nil, err
	}
	if p.drGroup, err = resourceGroup(ctx, cfg, p.prefix+"-dr-rg", cfg.DRRegion, p.onDR); err != nil {
		return nil, err
	}
	return p, nil
}

// prefix names the stack's Azure resources: hh and the environment's code (hhprod), short
// enough for the 24-character storage account and vault names.
func prefix(cfg *config.Config) string { return "hh" + naming.EnvCodes[cfg.Environment] }

func provider(ctx *pulumi.Context, role, location string, cfg *config.Config) (*azurenative.Provider, error) {
	return azurenative.NewProvider(ctx, "azure-"+role, &azurenative.ProviderArgs{
		SubscriptionId: pulumi.String(cfg.Azure.SubscriptionID),
		TenantId:       pulumi.String(cfg.Azure.TenantID),
		Location:       pulumi.String(location),
		// The pipeline signs in through OIDC; no client secret exists to leak.
		UseOidc: pulumi.Bool(true),
	})
}

func resourceGroup(ctx *pulumi.Context, cfg *config.Config, name, location string, on pulumi.ResourceOption) (*resources.ResourceGroup, error) {
	return resources.NewResourceGroup(ctx, name, &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(name),
		Location:          pulumi.String(location),
		Tags:              azurekit.Tags(cfg.Tags()),
	}, on, pulumi.Protect(cfg.Production()), pulumi.RetainOnDelete(cfg.Production()))
}

package aws

import (
	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
)

// providers are the estate's only ways to reach AWS, one per region it uses.
type providers struct {
	primary, dr *awssdk.Provider
	// edge is us-east-1: CloudFront takes certificates and web ACLs from there and delivers its
	// logs and metrics there.
	edge *awssdk.Provider
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
	edge, err := provider(ctx, "edge", "us-east-1", cfg)
	if err != nil {
		return nil, err
	}
	return &providers{primary: primary, dr: dr, edge: edge}, nil
}

// provider is an explicit region, the allowed accounts, and the estate's tags as provider
// default tags in case a resource type is missed.
func provider(ctx *pulumi.Context, role, region string, cfg *config.Config) (*awssdk.Provider, error) {
	args := &awssdk.ProviderArgs{
		Region:      pulumi.String(region),
		DefaultTags: awssdk.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(cfg.Tags())},
	}
	if len(cfg.AWS.AllowedAccountIds) > 0 {
		args.AllowedAccountIds = pulumi.ToStringArray(cfg.AWS.AllowedAccountIds)
	}
	return awssdk.NewProvider(ctx, "aws-"+role, args)
}

// Package bootstrap is the program that creates the estate's state backend before any estate
// stack exists: run once per account, with a local backend, then log in to what it creates.
package bootstrap

import (
	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/internal/naming"
)

// Run reads healthhub-bootstrap:primaryRegion, drRegion, owner and costCentre and creates
// the backend.
func Run(ctx *pulumi.Context) error {
	cfg := pulumiconfig.New(ctx, "") // the project's namespace, healthhub-bootstrap
	primaryRegion, drRegion := cfg.Require("primaryRegion"), cfg.Require("drRegion")
	tags := naming.Tags(naming.TagInput{
		Project: ctx.Project(), Environment: "production", Owner: cfg.Require("owner"), CostCentre: cfg.Require("costCentre"),
	})
	tags[naming.TagDataClassification] = "pulumi-state"
	provider := func(name, region string) (*awssdk.Provider, error) {
		return awssdk.NewProvider(ctx, name, &awssdk.ProviderArgs{
			Region: pulumi.String(region), DefaultTags: awssdk.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(tags)},
		})
	}
	primary, err := provider("aws-primary", primaryRegion)
	if err != nil {
		return err
	}
	dr, err := provider("aws-dr", drRegion)
	if err != nil {
		return err
	}
	backend, err := awsc.NewStateBackend(ctx, "state", &awsc.StateBackendArgs{
		Prefix: "healthhub-state", DRProvider: dr, RetentionDays: 2555, Tags: tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}
	ctx.Export("backendUrl", backend.BackendURL)
	ctx.Export("secretsProvider", backend.SecretsProvider)
	return nil
}

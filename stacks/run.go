// Package stacks composes the estate: it reads the stack's config and builds the selected
// cloud's estate. main.go, the offline plan and the release driver all run Run.
package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
	awsstack "github.com/healthhub/estate/stacks/aws"
)

// Run is the Pulumi program.
func Run(ctx *pulumi.Context) error {
	cfg, err := config.Load(ctx)
	if err != nil {
		return err
	}
	switch cfg.Cloud {
	case config.CloudAWS:
		return awsstack.Build(ctx, cfg)
	default:
		return fmt.Errorf("healthhub:cloud = %q: that estate is not built yet; available: %s", cfg.Cloud, config.CloudAWS)
	}
}

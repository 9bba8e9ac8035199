// Package stacks composes the estate: it reads the stack's config, builds the selected cloud's
// platform, builds the workloads on it and exports the platform's outputs. main.go, the offline
// plan and the release driver all run Run.
package stacks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
	awsstack "github.com/healthhub/estate/stacks/aws"
	"github.com/healthhub/estate/stacks/platform"
	"github.com/healthhub/estate/stacks/workloads"
)

// Builder builds one cloud's estate and returns it as the platform contract.
type Builder func(ctx *pulumi.Context, cfg *config.Config) (*platform.Platform, error)

// Workloads builds what runs on the platform's cluster, the same on every cloud.
type Workloads func(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform) error

// builders are the clouds whose estate is built, by healthhub:cloud. GCP and Azure join here
// with their own packages under stacks/.
var builders = map[string]Builder{
	config.CloudAWS: awsstack.Build,
}

// NoWorkloads is a workloads step that builds nothing, for programs that test the platform
// alone.
func NoWorkloads(*pulumi.Context, *config.Config, *platform.Platform) error { return nil }

// Run is the Pulumi program.
func Run(ctx *pulumi.Context) error { return Program(builders, workloads.Build)(ctx) }

// Program is the estate with the given builders and workloads: config, then the cloud's build,
// then the workloads, then the outputs.
func Program(builders map[string]Builder, workloads Workloads) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg, err := config.Load(ctx)
		if err != nil {
			return err
		}
		build, ok := builders[cfg.Cloud]
		if !ok {
			return fmt.Errorf("healthhub:cloud = %q: that estate is not built yet; available: %s", cfg.Cloud, strings.Join(slices.Sorted(maps.Keys(builders)), ", "))
		}
		p, err := build(ctx, cfg)
		if err != nil {
			return err
		}
		if err := workloads(ctx, cfg, p); err != nil {
			return err
		}
		return p.Export(ctx)
	}
}

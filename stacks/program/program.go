// Package program is the estate's composition without any cloud in it: config, then the
// selected cloud's build, then the workloads, then the outputs. stacks.Run gives it every
// built cloud; a stack test gives it one, so it links that cloud's SDK alone.
package program

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// Builder builds one cloud's estate and returns it as the platform contract.
type Builder func(ctx *pulumi.Context, cfg *config.Config) (*platform.Platform, error)

// Workloads builds what runs on the platform's cluster, the same on every cloud.
type Workloads func(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform) error

// NoWorkloads is a workloads step that builds nothing, for programs that test the platform
// alone.
func NoWorkloads(*pulumi.Context, *config.Config, *platform.Platform) error { return nil }

// New is the estate with the given builders and workloads.
func New(builders map[string]Builder, workloads Workloads) pulumi.RunFunc {
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

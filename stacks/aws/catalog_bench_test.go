package aws_test

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/catalog"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/plan"
	awsstack "github.com/healthhub/estate/stacks/aws"
)

// grown repeats the HealthHub services copies times, each copy on its own routes, so the
// catalog holds 41 × copies functions over the same 7 tables.
func grown(copies int) catalog.Catalog {
	base := catalog.HealthHub()
	out := catalog.Catalog{Tables: base.Tables, Rotation: base.Rotation}
	for k := range copies {
		for _, s := range base.Services {
			svc := catalog.Service{Name: s.Name}
			if k > 0 {
				svc.Name = fmt.Sprintf("%s-%d", s.Name, k)
			}
			for _, f := range s.Functions {
				g := f
				if k > 0 {
					g.Name = fmt.Sprintf("%s-%d", f.Name, k)
					g.Routes = nil
					for _, r := range f.Routes {
						r.Path = fmt.Sprintf("/v%d%s", k, r.Path)
						g.Routes = append(g.Routes, r)
					}
				}
				svc.Functions = append(svc.Functions, g)
			}
			out.Services = append(out.Services, svc)
		}
	}
	return out
}

// BenchmarkPlanCatalog measures the offline plan of production as the catalog grows from the
// seed's 41 functions to 410 and 4100, rules included.
func BenchmarkPlanCatalog(b *testing.B) {
	for _, copies := range []int{1, 10, 100} {
		cat := grown(copies)
		if err := cat.Validate(); err != nil {
			b.Fatal(err)
		}
		program := func(ctx *pulumi.Context) error {
			cfg, err := config.Load(ctx)
			if err != nil {
				return err
			}
			_, err = awsstack.BuildWithCatalog(ctx, cfg, cat)
			return err
		}
		b.Run(fmt.Sprintf("functions=%d", len(cat.Functions())), func(b *testing.B) {
			b.ReportAllocs()
			var resources int
			for b.Loop() {
				p, err := plan.Run("../..", "production", program)
				if err != nil {
					b.Fatal(err)
				}
				if p.Summary.Mandatory > 0 {
					b.Fatalf("violations: %v", p.Violations[:1])
				}
				resources = p.Summary.Resources
			}
			b.ReportMetric(float64(resources), "resources")
		})
	}
}

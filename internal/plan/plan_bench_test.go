package plan_test

import (
	"io"
	"testing"

	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/stacks"
)

// BenchmarkPlanProduction measures the offline plan of the production stack: load config, run
// the program under the mocks, evaluate every rule.
func BenchmarkPlanProduction(b *testing.B) {
	b.ReportAllocs()
	var resources int
	for b.Loop() {
		p, err := plan.Run("../..", "production", stacks.Run)
		if err != nil {
			b.Fatal(err)
		}
		resources = p.Summary.Resources
	}
	b.ReportMetric(float64(resources), "resources")
}

// BenchmarkRenderText measures printing the plan tree.
func BenchmarkRenderText(b *testing.B) {
	p, err := plan.Run("../..", "production", stacks.Run)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := plan.WriteText(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

package aws_test

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/healthhub/estate/internal/audit"
	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
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

// BenchmarkRulesProduction measures what the policy pack adds to the plan: every rule over
// the production resources, as the plan and `estate audit` run them.
func BenchmarkRulesProduction(b *testing.B) {
	p, err := plan.Run("../..", "production", stacks.Run)
	if err != nil {
		b.Fatal(err)
	}
	data, err := json.Marshal(p)
	if err != nil {
		b.Fatal(err)
	}
	snap, err := audit.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	cfg := rules.Config{AllowedRegions: []string{"eu-west-2", "eu-west-1"}, RetentionFloorDays: 2190, Environment: "production"}
	b.ReportAllocs()
	for b.Loop() {
		estate.Evaluate(snap.Resources, cfg)
	}
	b.ReportMetric(float64(len(estate.All)), "rules")
	b.ReportMetric(float64(len(snap.Resources)), "resources")
}

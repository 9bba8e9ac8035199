package gcp_test

import (
	"testing"

	"github.com/healthhub/estate/internal/plan"
)

// BenchmarkPlanProductionGCP measures the offline plan of the production GCP stack: load
// config, run the program under the mocks, evaluate every rule.
func BenchmarkPlanProductionGCP(b *testing.B) {
	b.ReportAllocs()
	var resources int
	for b.Loop() {
		p, err := plan.Run("../..", "production-gcp", prog)
		if err != nil {
			b.Fatal(err)
		}
		resources = p.Summary.Resources
	}
	b.ReportMetric(float64(resources), "resources")
}

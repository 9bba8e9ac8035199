package azure_test

import (
	"testing"

	"github.com/healthhub/estate/internal/plan"
)

// BenchmarkPlanProductionAzure measures the offline plan of the production Azure stack: load
// config, run the program under the mocks, evaluate every rule.
func BenchmarkPlanProductionAzure(b *testing.B) {
	b.ReportAllocs()
	var resources int
	for b.Loop() {
		p, err := plan.Run("../..", "production-azure", prog)
		if err != nil {
			b.Fatal(err)
		}
		resources = p.Summary.Resources
	}
	b.ReportMetric(float64(resources), "resources")
}

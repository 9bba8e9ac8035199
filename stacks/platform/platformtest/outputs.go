package platformtest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/stacks/platform"
)

// ExtraOutputs checks that a stack exported every name of the contract and returns the names it
// exported besides them, which each cloud's test lists exactly.
func ExtraOutputs(t testing.TB, exported []string) []string {
	t.Helper()
	for _, name := range platform.OutputNames {
		assert.Contains(t, exported, name)
	}
	var extras []string
	for _, name := range exported {
		if !slices.Contains(platform.OutputNames, name) {
			extras = append(extras, name)
		}
	}
	return extras
}

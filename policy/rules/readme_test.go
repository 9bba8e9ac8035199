package rules

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeListsEveryRule keeps the README's rule table and totals in step with the pack.
func TestReadmeListsEveryRule(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(data)

	rows := map[string]string{}
	row := regexp.MustCompile("(?m)^\\| [^|]+ \\| `([a-z0-9-]+)`[^|]* \\| [^|]+ \\| (mandatory|advisory) \\|")
	for _, m := range row.FindAllStringSubmatch(readme, -1) {
		rows[m[1]] = m[2]
	}
	mandatory, advisory := 0, 0
	for _, r := range All {
		assert.Equal(t, string(r.Level), rows[r.Name], "README row for %s", r.Name)
		if r.Level == Mandatory {
			mandatory++
		} else {
			advisory++
		}
		if r.CheckStack != nil {
			assert.Contains(t, readme, fmt.Sprintf("`%s` (*stack*)", r.Name), "stack-level rules are marked")
		}
	}
	assert.Len(t, rows, len(All), "README lists a rule the pack does not have")
	assert.True(t, strings.Contains(readme, fmt.Sprintf("%d rules: %d mandatory, %d advisory", len(All), mandatory, advisory)),
		"README totals: want %d rules: %d mandatory, %d advisory", len(All), mandatory, advisory)
}

package naming

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNameWithin(t *testing.T) {
	n := New("healthhub", "production")
	long := strings.Repeat("clinical-records-", 6)
	tests := []struct {
		name    string
		limit   Limit
		purpose []string
		want    string
		pattern string
	}{
		{name: "short name kept", limit: Default, purpose: []string{"audit"}, want: "healthhub-prod-audit"},
		{name: "several parts", limit: Default, purpose: []string{"vpc", "flow-logs"}, want: "healthhub-prod-vpc-flow-logs"},
		{name: "invalid characters folded", limit: Default, purpose: []string{"Audit Trail_Bucket"}, want: "healthhub-prod-audit-trail-bucket"},
		{name: "storage account has no separators", limit: AzureStorageAccount, purpose: []string{"audit"}, want: "healthhubprodaudit"},
		{name: "long name shortened with hash", limit: Default, purpose: []string{long}, pattern: `^healthhub-prod-[a-z0-9-]+-[0-9a-f]{6}$`},
		{name: "long storage account shortened", limit: AzureStorageAccount, purpose: []string{long}, pattern: `^[a-z0-9]{24}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := n.NameWithin(tt.limit, tt.purpose...)
			assert.LessOrEqual(t, len(got), tt.limit.MaxLen)
			if tt.want != "" {
				assert.Equal(t, tt.want, got)
			} else {
				assert.Regexp(t, regexp.MustCompile(tt.pattern), got)
			}
		})
	}
}

func TestShortenedNamesStayDistinct(t *testing.T) {
	n := New("healthhub", "staging")
	a := n.NameWithin(AzureKeyVault, "patient-records-primary")
	b := n.NameWithin(AzureKeyVault, "patient-records-secondary")
	assert.NotEqual(t, a, b)
	assert.Equal(t, a, n.NameWithin(AzureKeyVault, "patient-records-primary"), "names must be stable across runs")
}

func TestTags(t *testing.T) {
	tags := Tags(TagInput{Project: "healthhub", Environment: "production", Owner: "platform", CostCentre: "cc-1234"})
	for _, k := range RequiredTags {
		assert.NotEmpty(t, tags[k], k)
	}
	assert.Equal(t, "phi", tags[TagDataClassification])
	assert.Equal(t, "hipaa", tags[TagCompliance])
	assert.Equal(t, "pulumi", tags[TagManagedBy])
	for k, v := range tags {
		assert.NoError(t, CheckLabelValue(k), "key %q must be a valid label", k)
		assert.NoError(t, CheckLabelValue(v), "value %q must be a valid label", v)
	}
}

func TestCheckLabelValue(t *testing.T) {
	assert.NoError(t, CheckLabelValue("platform-team_1"))
	assert.Error(t, CheckLabelValue("Platform Team"))
	assert.Error(t, CheckLabelValue(strings.Repeat("a", 64)))
}

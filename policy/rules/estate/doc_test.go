package estate

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
)

func TestRulesDocIsCurrent(t *testing.T) {
	data, err := os.ReadFile("../../../docs/rules.md")
	require.NoError(t, err)
	want, got := strings.Split(Markdown(), "\n"), strings.Split(string(data), "\n")
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			t.Fatalf("docs/rules.md is stale from line %d: run go generate ./policy/rules/estate", i+1)
		}
	}
}

// TestNoGapOnBuiltClouds: every safeguard has a rule on AWS, GCP and Azure, whose estates are
// built. Kubernetes gaps are shown in the matrix: the cluster's own cloud covers them.
func TestNoGapOnBuiltClouds(t *testing.T) {
	m := Matrix()
	for _, c := range []rules.Cloud{rules.CloudAWS, rules.CloudGCP, rules.CloudAzure} {
		for _, s := range rules.Safeguards {
			assert.NotEmpty(t, m[s][c], "no %s rule serves §%s %s", c, s, s.Title())
		}
	}
}

func TestMatrixCountsOnlyFedCrossCloudRules(t *testing.T) {
	m := Matrix()
	for _, c := range []rules.Cloud{rules.CloudAWS, rules.CloudGCP} {
		assert.Contains(t, m[rules.ContingencyPlan][c], statefulProtected.Name, c)
		assert.Contains(t, m[rules.ContingencyPlan][c], drCopy.Name, c)
	}
	assert.Contains(t, m[rules.ContingencyPlan][rules.CloudAzure], statefulProtected.Name)
	assert.Contains(t, m[rules.ContingencyPlan][rules.CloudAzure], drCopy.Name)
	assert.NotContains(t, m[rules.AccessControl][rules.CloudKubernetes], regionAllowList.Name)
	assert.Contains(t, m[rules.AccessControl][rules.CloudKubernetes], "kubernetes-namespace-restricted-pss")
}

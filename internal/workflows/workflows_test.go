// Package workflows holds the test that keeps the GitHub Actions workflows valid: a broken
// workflow fails CI here, not on GitHub after the merge.
package workflows

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkflowsLint(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.Len(t, files, 3, "pr, pr-comment and release")
	linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	require.NoError(t, err)
	problems, err := linter.LintFiles(files, nil)
	require.NoError(t, err)
	for _, p := range problems {
		t.Errorf("%s:%d:%d: %s [%s]", p.Filepath, p.Line, p.Column, p.Message, p.Kind)
	}
}

// The workflows' promises: forks get a plan without secrets, previews use OIDC, production
// releases go through the protected environment.
func TestWorkflowPromises(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
		require.NoError(t, err)
		return string(b)
	}
	pr := read("pr.yml")
	assert.Contains(t, pr, "bash .ci/run", "CI runs what the README says")
	assert.Contains(t, pr, "bin/estate plan", "every stack's offline plan")
	assert.Contains(t, pr, "head.repo.full_name == github.repository", "no preview with credentials for forks")
	assert.Contains(t, pr, "id-token: write", "credentials by OIDC")
	assert.NotContains(t, pr, "aws-access-key-id", "no long-lived keys")
	assert.Contains(t, pr, "workload_identity_provider:", "GCP credentials by Workload Identity Federation")
	assert.NotContains(t, pr, "credentials_json", "no service account keys")
	assert.NotContains(t, pr, "client-secret", "no Entra client secrets")
	assert.NotContains(t, pr, "ARM_CLIENT_SECRET", "no Entra client secrets")
	for _, stack := range []string{"dev", "staging", "production", "dev-gcp", "production-gcp", "dev-azure", "production-azure"} {
		assert.Contains(t, pr, "stack: "+stack+",", "a real preview of %s", stack)
	}
	comment := read("pr-comment.yml")
	assert.Contains(t, comment, "workflow_run", "the comment is posted outside the untrusted checkout")
	assert.Contains(t, comment, "updateComment", "one comment, updated in place")
	assert.False(t, strings.Contains(comment, "actions/checkout"), "never checks out the pull request")
	rel := read("release.yml")
	assert.Contains(t, rel, "environment: production")
	assert.Contains(t, rel, `bin/estate up "$STACK" --policy-pack bin/healthhub-policy`)
	for _, stack := range []string{"production", "production-gcp", "production-azure"} {
		assert.Contains(t, rel, "stack: "+stack+",", "%s is released", stack)
	}
	assert.Contains(t, rel, "workload_identity_provider:", "GCP credentials by Workload Identity Federation")
	assert.NotContains(t, rel, "credentials_json", "no service account keys")
	assert.NotContains(t, rel, "client-secret", "no Entra client secrets")
	assert.NotContains(t, rel, "ARM_CLIENT_SECRET", "no Entra client secrets")
}

package bootstrap

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/internal/stackfile"
)

// The bootstrap program, run offline from its own project directory and stack file.
func TestBootstrapProgram(t *testing.T) {
	s, err := stackfile.Load("../../bootstrap", "bootstrap")
	require.NoError(t, err)
	m := mockcloud.New(s.Project, s.Name)
	require.NoError(t, m.Run(s.Config, s.SecretKeys, Run))
	assert.Len(t, m.ByType("healthhub:aws:StateBackend"), 1)
	assert.Len(t, m.ByType("aws:s3/bucketV2:BucketV2"), 2, "the state bucket and its DR copy")
	assert.Empty(t, kittest.Violations(m, "production", "eu-west-2", "eu-west-1"), "the backend passes the whole policy pack")
}

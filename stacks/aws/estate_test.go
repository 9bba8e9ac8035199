package aws_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/internal/stackfile"
	"github.com/healthhub/estate/stacks"
)

func render(t *testing.T, stack string) *mockcloud.Monitor {
	t.Helper()
	s, err := stackfile.Load("../..", stack)
	require.NoError(t, err)
	m := mockcloud.New(s.Project, s.Name)
	require.NoError(t, m.Run(s.Config, s.SecretKeys, stacks.Run))
	return m
}

func TestProductionRenders(t *testing.T) {
	m := render(t, "production")
	counts := m.CountByType()
	for typ, n := range counts {
		t.Logf("%-60s %d", typ, n)
	}
	assert.NotEmpty(t, counts)
}

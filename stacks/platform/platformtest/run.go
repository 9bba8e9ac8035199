package platformtest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/internal/stackfile"
)

// RunStack runs a program over a shipped stack's config (dir holds Pulumi.yaml), changed by
// edit when given, under the recording mock monitor: what each cloud's stack test runs its
// build through.
func RunStack(t testing.TB, dir, stack string, program pulumi.RunFunc, edit func(s *stackfile.Stack)) (*mockcloud.Monitor, error) {
	t.Helper()
	s, err := stackfile.Load(dir, stack)
	require.NoError(t, err)
	if edit != nil {
		edit(s)
	}
	m := mockcloud.New(s.Project, s.Name)
	return m, m.Run(s.Config, s.SecretKeys, program)
}

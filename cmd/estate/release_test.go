package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/release"
	"github.com/healthhub/estate/stacks"
)

func TestDestroyOfProductionIsRefused(t *testing.T) {
	code, _, stderr := runCLI(t, stacks.Run, "destroy", "production", "--dir", repo)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "refusing to destroy production")
	assert.Contains(t, stderr, "--yes-destroy-production")
}

func TestReleaseExitCodes(t *testing.T) {
	tests := []struct {
		err  error
		code int
	}{
		{&release.PolicyError{Err: errors.New("aws-kms-key-rotation")}, exitPolicy},
		{&release.LockedError{Stack: "dev", Err: errors.New("conflict")}, exitLocked},
		{errors.New("the program failed"), exitFailure},
	}
	for _, tt := range tests {
		var ee *exitError
		require.ErrorAs(t, releaseError(tt.err), &ee)
		assert.Equal(t, tt.code, ee.code, "%v", tt.err)
	}
}

// releaseProject is a project directory with a dev stack and a file backend inside it.
func releaseProject(t *testing.T) (dir string, flags []string) {
	t.Helper()
	root := os.Getenv("PULUMI_ROOT")
	if root == "" {
		root = filepath.Join(repo, ".cache", "pulumi")
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "pulumi")); err != nil {
		t.Fatalf("no Pulumi CLI at %s: run `make cli`", root)
	}
	dir = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: releasecli\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config: {}\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "state"), 0o755))
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "release-cli-test")
	return dir, []string{"--dir", dir, "--backend", "file://" + filepath.Join(dir, "state"), "--secrets-provider", "passphrase", "--pulumi-root", root}
}

func sized(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var state pulumi.ResourceState
		return ctx.RegisterResource("healthhub:test:Thing", "thing", pulumi.Map{"size": pulumi.Int(n)}, &state)
	}
}

func TestUpThenExpectNoChanges(t *testing.T) {
	_, flags := releaseProject(t)
	code, stdout, stderr := runCLI(t, sized(1), append([]string{"up", "dev", "--json"}, flags...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `"create": 2`)

	code, _, stderr = runCLI(t, sized(1), append([]string{"preview", "dev", "--expect-no-changes"}, flags...)...)
	assert.Equal(t, exitOK, code, stderr)

	code, _, stderr = runCLI(t, sized(2), append([]string{"preview", "dev", "--expect-no-changes"}, flags...)...)
	assert.Equal(t, exitChanges, code, "a drifted program is caught")
	assert.Contains(t, stderr, "would change resources")

	code, _, stderr = runCLI(t, sized(1), append([]string{"destroy", "dev"}, flags...)...)
	assert.Equal(t, exitOK, code, stderr)
}

func TestPrintResult(t *testing.T) {
	res := release.Result{Operation: "up", Stack: "dev", Changes: map[string]int{"create": 2, "same": 5},
		Outputs: map[string]any{"name": "thing", "token": "[secret]"}, Duration: "1.5s"}
	var text, js bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&text)
	require.NoError(t, printResult(cmd, res, false))
	assert.Equal(t, "up of dev (1.5s):\n    create   2\n    same     5\nOutputs:\n    name: thing\n    token: [secret]\n", text.String())

	cmd.SetOut(&js)
	require.NoError(t, printResult(cmd, res, true))
	var back map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, map[string]any{"create": 2.0, "same": 5.0}, back["changes"])
	assert.Equal(t, "[secret]", back["outputs"].(map[string]any)["token"])
	assert.True(t, res.Changed())
	assert.False(t, release.Result{Changes: map[string]int{"same": 3}}.Changed())
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/release"
	"github.com/healthhub/estate/stacks"
)

// A production stack, on any cloud, is not destroyed without the flag that says so; the
// refusal comes from the stack file, before the engine starts.
func TestDestroyOfProductionIsRefused(t *testing.T) {
	for _, stack := range []string{"production", "production-gcp", "production-azure"} {
		t.Run(stack, func(t *testing.T) {
			code, _, stderr := runCLI(t, stacks.Run, "destroy", stack, "--dir", repo)
			assert.Equal(t, exitFailure, code)
			assert.Contains(t, stderr, "refusing to destroy "+stack+": it is a production stack")
			assert.Contains(t, stderr, "--yes-destroy-production")
		})
	}
}

// The secrets the release verbs read before the engine starts are the stack's own cloud's:
// the AWS stacks' six, on GCP the pager alone, on Azure the pager and the in-cluster Redis's
// token, never the AWS estate's others. The lists are
// written out, not derived from config.RequiredSecrets, so a change there shows here.
func TestPreflightAsksForTheStacksOwnSecrets(t *testing.T) {
	aws := []string{"healthhub:databasePassword", "healthhub:cacheAuthToken", "healthhub:openaiApiKey",
		"healthhub:azureSpeechKey", "healthhub:googleVisionKey", "healthhub:pagerUrl"}
	gcp := []string{"healthhub:pagerUrl"}
	azure := []string{"healthhub:cacheAuthToken", "healthhub:pagerUrl"}
	tests := []struct {
		stack string
		want  []string
	}{
		{"production", aws},
		{"staging", aws},
		{"dev", aws},
		{"production-gcp", gcp},
		{"dev-gcp", gcp},
		{"production-azure", azure},
		{"dev-azure", azure},
	}
	for _, tt := range tests {
		for _, verb := range []string{"preview", "up", "refresh", "manifests"} {
			t.Run(tt.stack+"/"+verb, func(t *testing.T) {
				secrets, err := preflight(verb, tt.stack, &releaseFlags{dir: repo})
				require.NoError(t, err)
				assert.ElementsMatch(t, tt.want, secrets)
			})
		}
	}
}

func TestReleaseExitCodes(t *testing.T) {
	tests := []struct {
		err  error
		code int
	}{
		{&release.PolicyError{Err: errors.New("aws-kms-key-rotation")}, exitPolicy},
		{&release.LockedError{Stack: "dev", Err: errors.New("conflict")}, exitLocked},
		{&release.ProviderError{Stack: "dev", Reason: "no passphrase"}, exitBadConfig},
		{&release.SecretsError{Stack: "dev", Problems: []release.SecretProblem{{Key: "healthhub:pagerUrl", Reason: "is not set"}}}, exitBadConfig},
		{&release.EngineError{Op: "up", Stack: "dev", Err: errors.New("exit status 1")}, exitFailure},
		{errors.New("the program failed"), exitFailure},
	}
	for _, tt := range tests {
		var ee *exitError
		require.ErrorAs(t, releaseError(tt.err), &ee)
		assert.Equal(t, tt.code, ee.code, "%v", tt.err)
	}
}

// cliRoot is the Pulumi CLI `make cli` builds, or the one PULUMI_ROOT names.
func cliRoot(t testing.TB) string {
	t.Helper()
	root := os.Getenv("PULUMI_ROOT")
	if root == "" {
		root = filepath.Join(repo, ".cache", "pulumi")
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "pulumi")); err != nil {
		t.Fatalf("no Pulumi CLI at %s: run `make cli`", root)
	}
	return root
}

// releaseProject is a project directory with a dev stack and a file backend inside it.
func releaseProject(t *testing.T) (dir string, flags []string) {
	t.Helper()
	root := cliRoot(t)
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

// firstRun is the repository's project and a stack file as a new user clones them, shipped
// placeholder ciphertexts included, with an empty file backend.
func firstRun(t *testing.T, stack string) (dir string, flags []string) {
	t.Helper()
	root := cliRoot(t)
	dir = t.TempDir()
	for _, name := range []string{"Pulumi.yaml", "Pulumi." + stack + ".yaml"} {
		body, err := os.ReadFile(filepath.Join(repo, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), body, 0o644))
	}
	state := filepath.Join(dir, "state")
	require.NoError(t, os.MkdirAll(state, 0o755))
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "first-run")
	return dir, []string{"--dir", dir, "--backend", "file://" + state, "--pulumi-root", root}
}

func TestFirstRunWithoutPassphraseNamesIt(t *testing.T) {
	_, flags := firstRun(t, "dev")
	os.Unsetenv("PULUMI_CONFIG_PASSPHRASE")
	code, _, stderr := runCLI(t, stacks.Run, append([]string{"preview", "dev"}, flags...)...)
	assert.Equal(t, exitBadConfig, code, stderr)
	assert.Contains(t, stderr, "export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE")
	assert.Contains(t, stderr, "--secrets-provider awskms://")
	assert.NotContains(t, stderr, "stdout:")
}

// The first run as the README's deploy steps go: the shipped placeholders are named key by key,
// with the command that sets each; once they are set, the program runs, and a failure in the
// engine is told in its own words, once, with the exit status of a failed operation. A GCP
// stack is asked for its pager alone.
func TestFirstRunNamesEverySecretThenRuns(t *testing.T) {
	tests := []struct {
		stack, count string
		secrets      []string
		notAsked     []string
	}{
		{"dev", "6 secrets cannot be used", config.RequiredSecrets(config.CloudAWS), nil},
		{"dev-gcp", "1 secret cannot be used", []string{"pagerUrl"}, awsSecrets},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			dir, flags := firstRun(t, tt.stack)
			code, stdout, stderr := runCLI(t, stacks.Run, append([]string{"preview", tt.stack}, flags...)...)
			assert.Equal(t, exitBadConfig, code, stderr)
			assert.Empty(t, stdout)
			for _, name := range tt.secrets {
				assert.Contains(t, stderr, "healthhub:"+name+" cannot be decrypted by the stack's secrets provider (bad value)")
				assert.Contains(t, stderr, "pulumi config set --secret healthhub:"+name+" <value> -s "+tt.stack)
			}
			for _, name := range tt.notAsked {
				assert.NotContains(t, stderr, name)
			}
			assert.Contains(t, stderr, "stack "+tt.stack+": "+tt.count)
			for _, dump := range []string{"stdout:", "code: 1", "validating stack config"} {
				assert.NotContains(t, stderr, dump, "the engine's dump is not shown")
			}

			set := []string{"config", "set-all", "-s", tt.stack, "--cwd", dir}
			for _, name := range tt.secrets {
				set = append(set, "--secret", "healthhub:"+name+"=first-run-value-0123456789")
			}
			cli := exec.Command(filepath.Join(cliRoot(t), "bin", "pulumi"), set...)
			cli.Env = append(os.Environ(), "PULUMI_BACKEND_URL=file://"+filepath.Join(dir, "state"), "PULUMI_SKIP_UPDATE_CHECK=true")
			out, err := cli.CombinedOutput()
			require.NoError(t, err, "%s", out)

			broken := func(ctx *pulumi.Context) error {
				return errors.New("the estate could not be built: no route to the cloud")
			}
			code, stdout, stderr = runCLI(t, broken, append([]string{"preview", tt.stack}, flags...)...)
			assert.Equal(t, exitFailure, code, "with its own secrets set, the stack reaches the engine:\n%s", stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "stack "+tt.stack+": preview failed:")
			assert.Equal(t, 1, strings.Count(stderr, "no route to the cloud"), stderr)
			for _, dump := range []string{"stdout:", "stderr:", "code: 1", "exit status"} {
				assert.NotContains(t, stderr, dump)
			}
		})
	}
}

func TestPolicyConfigWithAFormerRuleName(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(old, []byte(`{"aws-log-group-retention": {"retentionFloorDays": 3653}}`), 0o644))
	var notes bytes.Buffer
	paths, err := migratedPolicyConfigs([]string{old}, t.TempDir(), &notes)
	require.NoError(t, err)
	require.Len(t, paths, 1)
	data, err := os.ReadFile(paths[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"aws-cloudwatch-log-group-retention": {"retentionFloorDays": 3653}}`, string(data))
	assert.Contains(t, notes.String(), `"aws-log-group-retention" is now "aws-cloudwatch-log-group-retention"`)
}

func TestPolicyConfigNamingNoRuleIsRefusedBeforeTheEngine(t *testing.T) {
	_, flags := releaseProject(t)
	typo := filepath.Join(t.TempDir(), "typo.json")
	require.NoError(t, os.WriteFile(typo, []byte(`{"aws-rds-backup": {"backupRetentionFloorDays": 14}}`), 0o644))
	code, _, stderr := runCLI(t, sized(1), append([]string{"preview", "dev", "--policy-pack-config", typo}, flags...)...)
	assert.Equal(t, exitBadConfig, code)
	assert.Contains(t, stderr, `"aws-rds-backup", which is no rule`)
}

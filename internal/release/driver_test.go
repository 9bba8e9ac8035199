package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var packPath string

// TestMain builds the policy pack the policy test runs; the CLI comes from `make cli`.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "healthhub-release")
	if err != nil {
		panic(err)
	}
	// `make test` builds the pack once for every engine test package (HEALTHHUB_POLICY_PACK);
	// a plain `go test` builds its own.
	packPath = os.Getenv("HEALTHHUB_POLICY_PACK")
	if packPath == "" {
		packPath = filepath.Join(dir, "healthhub-policy")
		build := exec.Command("go", "build", "-o", packPath, "../../policy")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			panic("building the policy pack: " + err.Error())
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func cliRoot(t *testing.T) string {
	t.Helper()
	root := os.Getenv("PULUMI_ROOT")
	if root == "" {
		root = filepath.Join("..", "..", ".cache", "pulumi")
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "pulumi")); err != nil {
		t.Fatalf("no Pulumi CLI at %s: run `make cli`", root)
	}
	return root
}

// project writes a Pulumi.yaml and an empty stack file, as the repository has them.
func project(t *testing.T, stack string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: releasetest\nruntime: go\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte("config: {}\n"), 0o644))
	return dir
}

// thing registers count components typed as a cloud resource with the given inputs.
func thing(typ string, inputs pulumi.Map) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var state pulumi.ResourceState
		if err := ctx.RegisterResource(typ, "thing", inputs, &state); err != nil {
			return err
		}
		ctx.Export("name", pulumi.String("thing"))
		ctx.Export("token", pulumi.ToSecret(pulumi.String("hunter2")))
		return nil
	}
}

func open(t *testing.T, dir, stack string, program pulumi.RunFunc, packs ...string) (*Driver, *bytes.Buffer) {
	t.Helper()
	var progress bytes.Buffer
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "state"), 0o755))
	d, err := Open(context.Background(), Options{
		Dir: dir, Stack: stack, Program: program, Backend: "file://" + filepath.Join(dir, "state"),
		SecretsProvider: "passphrase", PolicyPacks: packs, LockWait: 2 * time.Second,
		Progress: &progress, PulumiRoot: cliRoot(t), Env: map[string]string{"PULUMI_CONFIG_PASSPHRASE": "release-test"},
	})
	require.NoError(t, err)
	return d, &progress
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := project(t, "dev")
	d, progress := open(t, dir, "dev", thing("healthhub:test:Thing", pulumi.Map{"size": pulumi.Int(1)}))

	preview, err := d.Preview(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, preview.Changes["create"], "the stack and the thing")
	assert.True(t, preview.Changed())

	up, err := d.Up(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, up.Changes["create"])
	assert.Equal(t, map[string]any{"name": "thing", "token": "[secret]"}, up.Outputs, "secret outputs never reach the summary")
	assert.Contains(t, progress.String(), "healthhub:test:Thing thing", "one line per resource step")

	again, err := d.Preview(ctx)
	require.NoError(t, err)
	assert.False(t, again.Changed(), "nothing to do after up: %v", again.Changes)

	out, err := d.Outputs(ctx)
	require.NoError(t, err)
	assert.Equal(t, "thing", out.Outputs["name"])

	_, err = d.Refresh(ctx)
	require.NoError(t, err)
	gone, err := d.Destroy(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, gone.Changes["delete"])
}

func TestPolicyViolationIsClassified(t *testing.T) {
	t.Parallel()
	dir := project(t, "dev")
	d, _ := open(t, dir, "dev", thing("aws:kms/key:Key", pulumi.Map{"enableKeyRotation": pulumi.Bool(false)}), packPath)
	_, err := d.Preview(context.Background())
	var policy *PolicyError
	require.ErrorAs(t, err, &policy)
	assert.Contains(t, policy.Violations, "[mandatory] aws-kms-key-rotation (aws:kms/key:Key thing): enableKeyRotation must be true",
		"rule, resource and what is wrong, from the pack's own finding")
	assert.NotContains(t, err.Error(), "stdout:", "not the CLI's captured output")
}

func TestPolicyConfigReachesThePack(t *testing.T) {
	t.Parallel()
	dir := project(t, "dev")
	config := filepath.Join(dir, "policy-config.json")
	require.NoError(t, os.WriteFile(config, []byte(`{"estate-region-allow-list": {"enforcementLevel": "disabled"},
		"aws-cloudwatch-log-group-retention": {"retentionFloorDays": 3653}}`), 0o644))
	group := thing("aws:cloudwatch/logGroup:LogGroup", pulumi.Map{"kmsKeyId": pulumi.String("arn:aws:kms:eu-west-2:123456789012:key/logs"), "retentionInDays": pulumi.Int(2557)})
	d, _ := open(t, dir, "dev", group, packPath)
	d.opts.PolicyPackConfigs = []string{config}
	_, err := d.Preview(context.Background())
	var policy *PolicyError
	require.ErrorAs(t, err, &policy)
	assert.Contains(t, strings.Join(policy.Violations, "\n"), "retentionInDays is 2557; at least 3653", "the stricter floor of the config file")
	assert.NotContains(t, strings.Join(policy.Violations, "\n"), "estate-region-allow-list", "the config switched the region rule off")
}

// slow registers a component after waiting, so another update can meet the lock; it returns
// early when the update is cancelled.
//
// The program runs while the CLI holds the stack's lock, so started (closed when it begins)
// tells a test the lock is taken, without guessing how long the CLI takes to start. release,
// when closed, ends the wait early. Either may be nil.
func slow(wait time.Duration, started chan<- struct{}, release <-chan struct{}) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if started != nil {
			close(started)
		}
		select {
		case <-time.After(wait):
		case <-release:
		case <-ctx.Context().Done():
			return ctx.Context().Err()
		}
		var state pulumi.ResourceState
		return ctx.RegisterResource("healthhub:test:Thing", "thing", pulumi.Map{}, &state)
	}
}

func TestConcurrentUpsRetryTheLock(t *testing.T) {
	t.Parallel()
	dir := project(t, "dev")
	started := make(chan struct{})
	first, _ := open(t, dir, "dev", slow(4*time.Second, started, nil))
	second, progress := open(t, dir, "dev", slow(0, nil, nil))
	second.opts.LockWait = time.Minute

	done := make(chan error, 1)
	go func() { _, err := first.Up(context.Background()); done <- err }()
	<-started // the first update holds the lock while its program waits
	_, err := second.Up(context.Background())
	require.NoError(t, err, "the second update waits for the lock and then runs")
	require.NoError(t, <-done)
	assert.Contains(t, progress.String(), "locked by another update; retrying")

	started, release := make(chan struct{}), make(chan struct{})
	first, _ = open(t, dir, "dev", slow(time.Minute, started, release))
	second.opts.LockWait = 0
	go func() { _, err := first.Up(context.Background()); done <- err }()
	<-started
	_, err = second.Up(context.Background())
	close(release)
	var locked *LockedError
	require.ErrorAs(t, err, &locked, "without waiting, the loser reports the lock")
	assert.Contains(t, err.Error(), "estate cancel dev")
	require.NoError(t, <-done)
}

func TestCancelledUpLeavesNoLock(t *testing.T) {
	t.Parallel()
	dir := project(t, "dev")
	started := make(chan struct{})
	d, _ := open(t, dir, "dev", slow(30*time.Second, started, nil))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := d.Up(ctx)
	require.Error(t, err, "the update is cancelled")
	assert.Contains(t, strings.ToLower(err.Error()), "cancel", "it reports the cancellation")

	next, _ := open(t, dir, "dev", slow(0, nil, nil))
	next.opts.LockWait = 0
	_, err = next.Up(context.Background())
	require.NoError(t, err, "the cancelled update released the lock")
}

// killCLI SIGKILLs the pulumi process this test started for the given verb, as a crashed
// runner would die, and reports whether it found one.
func killCLI(t *testing.T, verb, dir string) bool {
	t.Helper()
	// Tests run in parallel: the CLI to kill is the one working in this test's project.
	dir, _ = filepath.EvalSymlinks(dir)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		if len(args) > 1 && strings.HasSuffix(args[0], "/pulumi") && slices.Contains(args[1:], verb) {
			stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
			fields := strings.Fields(string(stat))
			cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
			if len(fields) > 3 && fields[3] == fmt.Sprint(os.Getpid()) && cwd == dir {
				pid := 0
				fmt.Sscan(e.Name(), &pid)
				return syscall.Kill(pid, syscall.SIGKILL) == nil
			}
		}
	}
	return false
}

// waitForCheckpoint waits until the file backend holds a complete checkpoint of the stack
// written since the update began.
func waitForCheckpoint(t *testing.T, dir, stack string, since time.Time) {
	t.Helper()
	require.Eventually(t, func() bool {
		paths, _ := filepath.Glob(filepath.Join(dir, "state", ".pulumi", "stacks", "*", stack+".json"))
		for _, p := range paths {
			info, err := os.Stat(p)
			b, _ := os.ReadFile(p)
			if err == nil && info.ModTime().After(since) && len(b) > 0 && json.Valid(b) {
				return true
			}
		}
		return false
	}, 15*time.Second, 50*time.Millisecond, "the update writes its checkpoint")
}

func TestStaleLockAfterAKilledRun(t *testing.T) {
	t.Parallel()
	dir := project(t, "dev")
	started := make(chan struct{})
	d, _ := open(t, dir, "dev", slow(20*time.Second, started, nil))
	done := make(chan error, 1)
	begun := time.Now()
	go func() { _, err := d.Up(context.Background()); done <- err }()
	<-started
	// The kill must land while the update runs, not while the CLI is writing the stack's
	// checkpoint: a checkpoint cut off mid-write is a torn file, not the lock this test is about.
	waitForCheckpoint(t, dir, "dev", begun)
	if !killCLI(t, "up", dir) {
		out, _ := exec.Command("ps", "-eo", "pid,ppid,args").Output()
		t.Fatalf("no running pulumi up under pid %d:\n%s", os.Getpid(), out)
	}
	require.Error(t, <-done, "the killed update fails")

	next, _ := open(t, dir, "dev", slow(0, nil, nil))
	next.opts.LockWait = 0
	_, err := next.Up(context.Background())
	var locked *LockedError
	require.ErrorAs(t, err, &locked, "the killed run left its lock")
	assert.Contains(t, err.Error(), "estate cancel dev")

	require.NoError(t, next.Cancel(context.Background()))
	_, err = next.Up(context.Background())
	require.NoError(t, err, "after cancel the stack updates again")
}

// Package release drives the estate's stacks through Pulumi's Automation API with the program
// compiled into the binary, so a pipeline never builds the program at deploy time. It streams
// progress, summarises changes, retries a held lock and classifies failures for exit codes.
package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Options say which stack to drive and how.
type Options struct {
	// Dir holds Pulumi.yaml and Pulumi.<stack>.yaml: the project and its config.
	Dir   string
	Stack string
	// Program is the estate (stacks.Run) compiled into the binary.
	Program pulumi.RunFunc
	// Backend is the state backend URL (file://, s3://...); empty uses the CLI's login.
	Backend string
	// SecretsProvider encrypts the stack's secrets (awskms://..., passphrase).
	SecretsProvider string
	// PolicyPacks are paths to built policy pack binaries.
	PolicyPacks []string
	// PolicyPackConfigs are policy config files (JSON), one per policy pack.
	PolicyPackConfigs []string
	Targets           []string
	Parallel          int
	// Refresh reads the real state before the operation.
	Refresh bool
	// LockWait is how long a held lock is retried before giving up.
	LockWait time.Duration
	// Progress receives one line per resource step.
	Progress io.Writer
	// PulumiRoot is where the CLI is (bin/pulumi); empty finds one on PATH.
	PulumiRoot string
	// Env is added to the CLI's environment (PULUMI_CONFIG_PASSPHRASE, credentials...).
	Env map[string]string
}

// Result is what an operation did.
type Result struct {
	Operation string         `json:"operation"`
	Stack     string         `json:"stack"`
	Changes   map[string]int `json:"changes"`
	Outputs   map[string]any `json:"outputs,omitempty"`
	Duration  string         `json:"duration"`
}

// Changed reports whether the operation creates, updates, replaces or deletes anything.
func (r Result) Changed() bool {
	for op, n := range r.Changes {
		if op != "same" && n > 0 {
			return true
		}
	}
	return false
}

// PolicyError is a mandatory policy violation reported by a pack. Violations are the pack's
// mandatory findings, one line each: rule, resource and what is wrong.
type PolicyError struct {
	Err        error
	Violations []string
}

func (e *PolicyError) Error() string {
	if len(e.Violations) == 0 {
		return "mandatory policy violation: " + e.Err.Error()
	}
	return fmt.Sprintf("mandatory policy violation (%d):\n    %s\n%s", len(e.Violations), strings.Join(e.Violations, "\n    "), e.Err.Error())
}
func (e *PolicyError) Unwrap() error { return e.Err }

// LockedError is a stack still locked by another update after LockWait.
type LockedError struct {
	Stack string
	Wait  time.Duration
	Err   error
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("stack %s is locked by another update after waiting %s; if that update was killed, clear the lock with `estate cancel %s` or pass --cancel-stale", e.Stack, e.Wait, e.Stack)
}
func (e *LockedError) Unwrap() error { return e.Err }

// Driver runs operations on one stack.
type Driver struct {
	opts  Options
	stack auto.Stack
	// observe, when set, sees every engine event of the operations that follow.
	observe func(events.EngineEvent)
}

// Open selects (or creates) the stack with the inline program and the project's config.
func Open(ctx context.Context, opts Options) (*Driver, error) {
	proj, err := workspace.LoadProject(filepath.Join(opts.Dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading the project: %w", err)
	}
	root, err := pulumiRoot(opts.PulumiRoot)
	if err != nil {
		return nil, err
	}
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root, SkipVersionCheck: true})
	if err != nil {
		return nil, err
	}
	env := map[string]string{"PULUMI_SKIP_UPDATE_CHECK": "true"}
	for k, v := range opts.Env {
		env[k] = v
	}
	if opts.Backend != "" {
		env["PULUMI_BACKEND_URL"] = opts.Backend
	}
	wsOpts := []auto.LocalWorkspaceOption{auto.WorkDir(opts.Dir), auto.Pulumi(cli), auto.EnvVars(env)}
	if opts.SecretsProvider != "" {
		wsOpts = append(wsOpts, auto.SecretsProvider(opts.SecretsProvider))
	}
	s, err := auto.UpsertStackInlineSource(ctx, opts.Stack, proj.Name.String(), opts.Program, wsOpts...)
	if err != nil {
		return nil, classify(opts, "selecting or creating the stack", err, nil)
	}
	if opts.Progress != nil {
		opts.Progress = &lockedWriter{w: opts.Progress}
	}
	return &Driver{opts: opts, stack: s}, nil
}

// lockedWriter serialises progress lines: the event goroutine and the lock retries both write.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// pulumiRoot finds the CLI: the given root, else a pulumi on PATH.
func pulumiRoot(root string) (string, error) {
	if root != "" {
		if _, err := os.Stat(filepath.Join(root, "bin", "pulumi")); err != nil {
			return "", fmt.Errorf("no Pulumi CLI at %s/bin/pulumi: run `make cli` or put pulumi on PATH", root)
		}
		return filepath.Abs(root)
	}
	path, err := exec.LookPath("pulumi")
	if err != nil {
		return "", errors.New("no Pulumi CLI on PATH: run `make cli` (builds .cache/pulumi) and pass --pulumi-root, or install pulumi")
	}
	return filepath.Dir(filepath.Dir(path)), nil
}

// Preview shows what up would do.
func (d *Driver) Preview(ctx context.Context) (Result, error) {
	start := time.Now()
	var res auto.PreviewResult
	err := d.run(ctx, "preview", func(ch chan events.EngineEvent) (err error) {
		opts := []optpreview.Option{optpreview.EventStreams(ch)}
		if len(d.opts.PolicyPacks) > 0 {
			opts = append(opts, optpreview.PolicyPacks(d.opts.PolicyPacks...))
		}
		if len(d.opts.PolicyPackConfigs) > 0 {
			opts = append(opts, optpreview.PolicyPackConfigs(d.opts.PolicyPackConfigs...))
		}
		if len(d.opts.Targets) > 0 {
			opts = append(opts, optpreview.Target(d.opts.Targets))
		}
		if d.opts.Parallel > 0 {
			opts = append(opts, optpreview.Parallel(d.opts.Parallel))
		}
		if d.opts.Refresh {
			opts = append(opts, optpreview.Refresh())
		}
		res, err = d.stack.Preview(ctx, opts...)
		return err
	})
	if err != nil {
		return Result{}, err
	}
	ch2 := map[string]int{}
	for op, n := range res.ChangeSummary {
		ch2[string(op)] = n
	}
	return d.result("preview", start, ch2, nil), nil
}

// Up deploys the stack.
func (d *Driver) Up(ctx context.Context) (Result, error) {
	start := time.Now()
	var res auto.UpResult
	err := d.run(ctx, "up", func(ch chan events.EngineEvent) (err error) {
		opts := []optup.Option{optup.EventStreams(ch)}
		if len(d.opts.PolicyPacks) > 0 {
			opts = append(opts, optup.PolicyPacks(d.opts.PolicyPacks...))
		}
		if len(d.opts.PolicyPackConfigs) > 0 {
			opts = append(opts, optup.PolicyPackConfigs(d.opts.PolicyPackConfigs...))
		}
		if len(d.opts.Targets) > 0 {
			opts = append(opts, optup.Target(d.opts.Targets))
		}
		if d.opts.Parallel > 0 {
			opts = append(opts, optup.Parallel(d.opts.Parallel))
		}
		if d.opts.Refresh {
			opts = append(opts, optup.Refresh())
		}
		res, err = d.stack.Up(ctx, opts...)
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return d.result("up", start, changes(res.Summary.ResourceChanges), outputs(res.Outputs)), nil
}

// Refresh reads the real state into the stack.
func (d *Driver) Refresh(ctx context.Context) (Result, error) {
	start := time.Now()
	var res auto.RefreshResult
	err := d.run(ctx, "refresh", func(ch chan events.EngineEvent) (err error) {
		res, err = d.stack.Refresh(ctx, optrefresh.EventStreams(ch))
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return d.result("refresh", start, changes(res.Summary.ResourceChanges), nil), nil
}

// Destroy deletes the stack's resources (protected ones stop it).
func (d *Driver) Destroy(ctx context.Context) (Result, error) {
	start := time.Now()
	var res auto.DestroyResult
	err := d.run(ctx, "destroy", func(ch chan events.EngineEvent) (err error) {
		res, err = d.stack.Destroy(ctx, optdestroy.EventStreams(ch))
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return d.result("destroy", start, changes(res.Summary.ResourceChanges), nil), nil
}

// Outputs reads the stack's outputs, secrets masked.
func (d *Driver) Outputs(ctx context.Context) (Result, error) {
	out, err := d.stack.Outputs(ctx)
	if err != nil {
		return Result{}, classify(d.opts, "outputs", err, nil)
	}
	return Result{Operation: "outputs", Stack: d.opts.Stack, Outputs: outputs(out), Changes: map[string]int{}}, nil
}

// Cancel clears the lock a killed update left behind.
func (d *Driver) Cancel(ctx context.Context) error {
	if err := d.stack.Cancel(ctx); err != nil {
		return classify(d.opts, "cancel", err, nil)
	}
	return nil
}

func (d *Driver) result(op string, start time.Time, ch map[string]int, out map[string]any) Result {
	return Result{Operation: op, Stack: d.opts.Stack, Changes: ch, Outputs: out, Duration: time.Since(start).Round(time.Millisecond).String()}
}

// run runs one operation, each attempt with its own event stream, again while another update
// holds the stack's lock, backing off, up to LockWait.
func (d *Driver) run(ctx context.Context, op string, attempt func(chan events.EngineEvent) error) error {
	deadline := time.Now().Add(d.opts.LockWait)
	wait := 500 * time.Millisecond
	for {
		w := d.watch()
		err := attempt(w.ch)
		if err == nil {
			return nil
		}
		w.settle()
		if !auto.IsConcurrentUpdateError(err) {
			return classify(d.opts, op, err, w)
		}
		if time.Now().Add(wait).After(deadline) {
			return &LockedError{Stack: d.opts.Stack, Wait: d.opts.LockWait, Err: err}
		}
		if d.opts.Progress != nil {
			fmt.Fprintf(d.opts.Progress, "stack %s is locked by another update; retrying in %s\n", d.opts.Stack, wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

func lastPart(urn string) string { return urn[strings.LastIndex(urn, "::")+2:] }

func changes(summary *map[string]int) map[string]int {
	out := map[string]int{}
	if summary != nil {
		for k, v := range *summary {
			out[k] = v
		}
	}
	return out
}

// outputs masks secret outputs: the summary goes to CI logs.
func outputs(out auto.OutputMap) map[string]any {
	res := map[string]any{}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if out[k].Secret {
			res[k] = "[secret]"
		} else {
			res[k] = out[k].Value
		}
	}
	return res
}

// classify turns the CLI's failures into the errors the exit codes are made from, each
// carrying the engine's own error lines instead of the CLI's captured output.
func classify(opts Options, op string, err error, w *watch) error {
	var locked *LockedError
	if errors.As(err, &locked) {
		return err
	}
	if auto.IsConcurrentUpdateError(err) {
		return &LockedError{Stack: opts.Stack, Wait: opts.LockWait, Err: err}
	}
	diagnostics, violations := w.failures()
	eng := &EngineError{Op: op, Stack: opts.Stack, Lines: engineLines(err, diagnostics), Err: err}
	if len(violations) > 0 || strings.Contains(strings.ToLower(err.Error()), "mandatory policy violation") ||
		strings.Contains(err.Error(), "[mandatory]") {
		return &PolicyError{Err: eng, Violations: violations}
	}
	return eng
}

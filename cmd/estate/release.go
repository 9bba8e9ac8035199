package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/spf13/cobra"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/release"
	"github.com/healthhub/estate/internal/stackfile"
	"github.com/healthhub/estate/policy/pack"
)

// Exit codes of the release commands, on top of the plan's.
const (
	exitPolicy  = 3 // a mandatory policy violation
	exitLocked  = 4 // the stack stayed locked by another update
	exitChanges = 5 // --expect-no-changes, and there are changes
)

type releaseFlags struct {
	dir, backend, secretsProvider, pulumiRoot   string
	out                                         string
	policyPacks, policyPackConfigs, targets     []string
	parallel                                    int
	json, expectNoChanges, refresh, cancelStale bool
	yesDestroyProduction                        bool
	lockWait                                    time.Duration
}

// newReleaseCommands are preview, up, refresh, destroy and outputs: the pipeline's verbs, run
// on the program compiled into this binary through the Automation API.
func newReleaseCommands(program pulumi.RunFunc) []*cobra.Command {
	verbs := []struct{ use, short string }{
		{"preview", "Show what `up` would change, with the policy pack applied"},
		{"up", "Deploy the stack"},
		{"refresh", "Read the deployed resources back into the stack's state"},
		{"destroy", "Delete the stack's resources (production needs --yes-destroy-production)"},
		{"outputs", "Print the stack's outputs, secrets masked"},
		{"cancel", "Clear the lock an interrupted or killed update left on the stack"},
		{"manifests", "Write the stack's Kubernetes objects as plain YAML, from a preview, for GitOps"},
	}
	var cmds []*cobra.Command
	for _, v := range verbs {
		f := &releaseFlags{}
		cmd := &cobra.Command{
			Use:   v.use + " STACK",
			Short: v.short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return runRelease(cmd, program, v.use, args[0], f)
			},
		}
		fl := cmd.Flags()
		fl.StringVar(&f.dir, "dir", ".", "directory holding Pulumi.yaml and Pulumi.<stack>.yaml")
		fl.StringVar(&f.backend, "backend", os.Getenv("PULUMI_BACKEND_URL"), "state backend URL (s3://..., file://...); default: $PULUMI_BACKEND_URL or the CLI's login")
		fl.StringVar(&f.secretsProvider, "secrets-provider", "", "secrets provider for a new stack (awskms://..., passphrase)")
		fl.StringVar(&f.pulumiRoot, "pulumi-root", os.Getenv("PULUMI_ROOT"), "directory whose bin/pulumi is the CLI; default: $PULUMI_ROOT or pulumi on PATH")
		fl.StringArrayVar(&f.policyPacks, "policy-pack", nil, "built policy pack binary to apply (repeatable)")
		fl.StringArrayVar(&f.policyPackConfigs, "policy-pack-config", nil, "policy config file (JSON) for the pack at the same position; rules may be named by a former name")
		fl.StringArrayVar(&f.targets, "target", nil, "URN to limit the operation to (repeatable)")
		fl.IntVar(&f.parallel, "parallel", 0, "resource operations run at once (0: the CLI's default)")
		fl.BoolVar(&f.json, "json", false, "print the summary as JSON")
		fl.BoolVar(&f.expectNoChanges, "expect-no-changes", false, "exit 5 if the operation would change anything")
		fl.BoolVar(&f.refresh, "refresh", false, "refresh the state before the operation")
		fl.DurationVar(&f.lockWait, "lock-wait", 2*time.Minute, "how long to retry while another update holds the stack")
		fl.BoolVar(&f.cancelStale, "cancel-stale", false, "first clear a lock left by a killed update (only when no other update is running)")
		if v.use == "manifests" {
			cmd.Long = manifestsHelp
			fl.StringVar(&f.out, "out", "", "directory to write the manifests into (empty or absent)")
			_ = cmd.MarkFlagRequired("out")
		}
		if v.use == "destroy" {
			fl.BoolVar(&f.yesDestroyProduction, "yes-destroy-production", false, "allow destroying a production stack")
		}
		cmds = append(cmds, cmd)
	}
	return cmds
}

func runRelease(cmd *cobra.Command, program pulumi.RunFunc, verb, stack string, f *releaseFlags) error {
	var configs []string
	if len(f.policyPackConfigs) > 0 {
		migrated, err := os.MkdirTemp("", "estate-policy-config")
		if err != nil {
			return err
		}
		defer os.RemoveAll(migrated)
		if configs, err = migratedPolicyConfigs(f.policyPackConfigs, migrated, cmd.ErrOrStderr()); err != nil {
			return err
		}
	}
	opts := release.Options{
		PolicyPackConfigs: configs,
		Dir:               f.dir, Stack: stack, Program: program, Backend: f.backend, SecretsProvider: f.secretsProvider,
		PolicyPacks: f.policyPacks, Targets: f.targets, Parallel: f.parallel, Refresh: f.refresh,
		LockWait: f.lockWait, Progress: cmd.ErrOrStderr(), PulumiRoot: f.pulumiRoot,
	}
	// Everything that can be told from the stack file is checked before the engine starts, in
	// the order a new user meets it: the config, the secrets provider, then each secret.
	var secrets []string
	if verb != "cancel" && verb != "outputs" {
		var err error
		if secrets, err = preflight(verb, stack, f); err != nil {
			return err
		}
	}
	if verb != "cancel" {
		if err := release.CheckSecretsProvider(opts); err != nil {
			return releaseError(err)
		}
	}
	// SIGINT and SIGTERM cancel the operation: the CLI stops cleanly and releases the lock.
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := release.Open(ctx, opts)
	if err != nil {
		return releaseError(err)
	}
	if f.cancelStale || verb == "cancel" {
		if err := d.Cancel(ctx); err != nil {
			return releaseError(err)
		}
		if verb == "cancel" {
			fmt.Fprintf(cmd.OutOrStdout(), "lock on %s cleared\n", stack)
			return nil
		}
	}
	if err := d.CheckSecrets(ctx, secrets); err != nil {
		return releaseError(err)
	}
	var res release.Result
	switch verb {
	case "preview":
		res, err = d.Preview(ctx)
	case "up":
		res, err = d.Up(ctx)
	case "refresh":
		res, err = d.Refresh(ctx)
	case "destroy":
		res, err = d.Destroy(ctx)
	case "outputs":
		res, err = d.Outputs(ctx)
	case "manifests":
		return runManifests(ctx, cmd, d, f.out)
	}
	if err != nil {
		return releaseError(err)
	}
	if err := printResult(cmd, res, f.json); err != nil {
		return &exitError{exitFailure, err}
	}
	if f.expectNoChanges && res.Changed() {
		return &exitError{exitChanges, fmt.Errorf("%s of %s would change resources: %v", verb, stack, res.Changes)}
	}
	return nil
}

// runManifests previews the stack and writes its Kubernetes objects into out.
func runManifests(ctx context.Context, cmd *cobra.Command, d *release.Driver, out string) error {
	ms, err := d.Manifests(ctx)
	if err != nil {
		return releaseError(err)
	}
	if len(ms) == 0 {
		return &exitError{exitFailure, errNoManifests}
	}
	written, err := writeManifests(out, ms, cmd.ErrOrStderr())
	if err != nil {
		return &exitError{exitFailure, err}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %d files to %s\n", len(written), out)
	return nil
}

// preflight reads the stack file and returns the secrets the operation will decrypt: every
// secure value in it, plus the secrets the estate requires on the stack's cloud. preview and
// up run the program, so their config must validate; refresh and destroy do not run it, and a
// stack whose config no longer validates can still be torn down.
func preflight(verb, stack string, f *releaseFlags) ([]string, error) {
	s, err := stackfile.Load(f.dir, stack)
	if err != nil {
		return nil, &exitError{exitBadConfig, err}
	}
	secrets := s.SecretKeys
	// The estate's keys live in its project's namespace; a stack of another project (the
	// driver runs any inline program) carries none of them.
	if s.Project != config.Namespace {
		return secrets, nil
	}
	cfg, err := config.ParseStack(stack, s.Short(config.Namespace))
	if err != nil && (verb == "preview" || verb == "up" || verb == "manifests") {
		return nil, &exitError{exitBadConfig, err}
	}
	if cfg == nil {
		return secrets, nil
	}
	if verb == "destroy" && cfg.Production() && !f.yesDestroyProduction {
		return nil, &exitError{exitFailure, fmt.Errorf("refusing to destroy %s: it is a production stack; pass --yes-destroy-production if that is really meant", stack)}
	}
	for _, name := range config.RequiredSecrets(cfg.Cloud) {
		if full := config.Namespace + ":" + name; !slices.Contains(secrets, full) {
			secrets = append(secrets, full)
		}
	}
	return secrets, nil
}

// migratedPolicyConfigs hands the engine each policy config with former rule names replaced by
// current ones, since the engine passes a policy only the config under its current name. The
// migrated copies are written to dir, which the caller removes when the operation is over.
func migratedPolicyConfigs(paths []string, dir string, notes io.Writer) ([]string, error) {
	out := make([]string, len(paths))
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, &exitError{exitBadConfig, fmt.Errorf("--policy-pack-config: %w", err)}
		}
		migrated, renames, err := pack.MigrateConfig(data)
		if err != nil {
			return nil, &exitError{exitBadConfig, fmt.Errorf("--policy-pack-config %s: %w", p, err)}
		}
		for _, r := range renames {
			fmt.Fprintf(notes, "policy config %s: %q is now %q; rename the key\n", p, r.From, r.To)
		}
		out[i] = filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(p)))
		if err := os.WriteFile(out[i], migrated, 0o600); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// releaseError maps the driver's failures to exit codes.
func releaseError(err error) error {
	var policy *release.PolicyError
	var locked *release.LockedError
	var provider *release.ProviderError
	var secrets *release.SecretsError
	switch {
	case errors.As(err, &policy):
		return &exitError{exitPolicy, err}
	case errors.As(err, &locked):
		return &exitError{exitLocked, err}
	case errors.As(err, &provider), errors.As(err, &secrets):
		return &exitError{exitBadConfig, err}
	}
	return &exitError{exitFailure, err}
}

func printResult(cmd *cobra.Command, res release.Result, asJSON bool) error {
	out := cmd.OutOrStdout()
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(out, "%s of %s", res.Operation, res.Stack)
	if res.Duration != "" {
		fmt.Fprintf(out, " (%s)", res.Duration)
	}
	fmt.Fprintln(out, ":")
	ops := make([]string, 0, len(res.Changes))
	for op := range res.Changes {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		fmt.Fprintf(out, "    %-8s %d\n", op, res.Changes[op])
	}
	if len(res.Outputs) > 0 {
		fmt.Fprintln(out, "Outputs:")
		names := make([]string, 0, len(res.Outputs))
		for k := range res.Outputs {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(out, "    %s: %v\n", k, res.Outputs[k])
		}
	}
	return nil
}

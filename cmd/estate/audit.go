package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/healthhub/estate/internal/audit"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/internal/stackfile"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
)

// auditReport is the JSON form of an audit.
type auditReport struct {
	Source     string            `json:"source"`
	Format     audit.Format      `json:"format"`
	Stack      string            `json:"stack,omitempty"`
	Resources  int               `json:"resources"`
	Violations []rules.Violation `json:"violations"`
	Mandatory  int               `json:"mandatory"`
	Advisory   int               `json:"advisory"`
}

func newAuditCommand() *cobra.Command {
	var (
		stack, dir, environment string
		allowedRegions          []string
		asJSON                  bool
	)
	cmd := &cobra.Command{
		Use:   "audit FILE",
		Short: "Run the policy rules over a saved plan or a deployed stack's state",
		Long: `Reads FILE, either the output of 'estate plan STACK --json' or of 'pulumi stack export',
and runs every rule of the policy pack over its resources, offline.

The allowed regions and the environment come from Pulumi.STACK.yaml in --dir (STACK is the
plan's stack, or --stack); --allowed-regions and --environment override them.

Exit status: 0 clean, 1 a mandatory policy violation, 2 an unreadable file or missing config.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return &exitError{exitBadConfig, err}
			}
			snap, err := audit.Parse(data)
			if err != nil {
				return &exitError{exitBadConfig, fmt.Errorf("%s: %w", args[0], err)}
			}
			if stack == "" {
				stack = snap.Stack
			}
			cfg, err := auditConfig(dir, stack, allowedRegions, environment)
			if err != nil {
				return &exitError{exitBadConfig, err}
			}
			violations := estate.Evaluate(snap.Resources, cfg)
			if violations == nil {
				violations = []rules.Violation{}
			}
			mandatory, advisory := rules.Count(violations)
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				err = enc.Encode(auditReport{
					Source: args[0], Format: snap.Format, Stack: stack, Resources: len(snap.Resources),
					Violations: violations, Mandatory: mandatory, Advisory: advisory,
				})
				if err != nil {
					return &exitError{exitFailure, err}
				}
			} else {
				fmt.Fprintf(out, "Audit of %s (%s, %d resources, allowed regions %s)\n",
					args[0], snap.Format, len(snap.Resources), strings.Join(cfg.AllowedRegions, ", "))
				names := map[string]string{}
				for _, r := range snap.Resources {
					names[r.URN] = r.Type + ": " + r.Name
				}
				plan.WriteViolations(out, violations, names)
			}
			if mandatory > 0 {
				return &exitError{exitFailure, fmt.Errorf("%d mandatory policy violation(s)", mandatory)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&stack, "stack", "", "stack whose config gives the allowed regions and environment")
	cmd.Flags().StringVar(&dir, "dir", ".", "directory holding Pulumi.yaml and the stack files")
	cmd.Flags().StringSliceVar(&allowedRegions, "allowed-regions", nil, "regions where PHI may reside (overrides the stack's)")
	cmd.Flags().StringVar(&environment, "environment", "", "production, staging or dev (overrides the stack's)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// auditConfig is the rules' config: from the stack file when there is one, then the flags.
// With no allowed regions from either, the audit cannot judge residency and refuses.
func auditConfig(dir, stack string, allowedRegions []string, environment string) (rules.Config, error) {
	cfg := rules.Config{RetentionFloorDays: config.HIPAARetentionFloorDays}
	if stack != "" {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi."+stack+".yaml")); err == nil {
			s, err := stackfile.Load(dir, stack)
			if err != nil {
				return cfg, err
			}
			parsed, err := config.Parse(s.Short(config.Namespace))
			if err != nil {
				return cfg, err
			}
			cfg = plan.RulesConfig(parsed)
		}
	}
	if len(allowedRegions) > 0 {
		cfg.AllowedRegions = allowedRegions
	}
	if environment != "" {
		if !slices.Contains(config.Environments, environment) {
			return cfg, fmt.Errorf("--environment %q: must be one of %s", environment, strings.Join(config.Environments, ", "))
		}
		cfg.Environment = environment
	}
	if len(cfg.AllowedRegions) == 0 {
		return cfg, errors.New("no allowed regions known: pass --stack with Pulumi.<stack>.yaml in --dir, or --allowed-regions")
	}
	return cfg, nil
}

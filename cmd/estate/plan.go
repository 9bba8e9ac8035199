package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/spf13/cobra"

	"github.com/healthhub/estate/internal/plan"
)

func newPlanCommand(program pulumi.RunFunc) *cobra.Command {
	var (
		asJSON bool
		out    string
		dir    string
	)
	cmd := &cobra.Command{
		Use:   "plan STACK",
		Short: "Show every resource and policy verdict of a stack, offline",
		Long: `Runs the estate's program for STACK (Pulumi.yaml + Pulumi.STACK.yaml) in-process under
Pulumi's mock monitor: no cloud credentials, no network, no passphrase (secure values become
"[secret]"). Prints the resource tree, the policy verdicts and counts by type.

Exit status: 0 clean, 1 a mandatory policy violation (or the program failed), 2 bad config.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := plan.Run(dir, args[0], program)
			if err != nil {
				var cerr *plan.ConfigError
				if errors.As(err, &cerr) {
					return &exitError{exitBadConfig, err}
				}
				return &exitError{exitFailure, err}
			}
			if out != "" {
				var buf bytes.Buffer
				if err := plan.WriteJSON(&buf, p); err != nil {
					return &exitError{exitFailure, err}
				}
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return &exitError{exitFailure, fmt.Errorf("writing %s: %w", out, err)}
				}
			}
			if asJSON {
				err = plan.WriteJSON(cmd.OutOrStdout(), p)
			} else {
				err = plan.WriteText(cmd.OutOrStdout(), p)
			}
			if err != nil {
				return &exitError{exitFailure, err}
			}
			if p.Summary.Mandatory > 0 {
				return &exitError{exitFailure, fmt.Errorf("%d mandatory policy violation(s)", p.Summary.Mandatory)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON instead of the tree")
	cmd.Flags().StringVar(&out, "out", "", "also write the JSON plan to this file")
	cmd.Flags().StringVar(&dir, "dir", ".", "directory holding Pulumi.yaml and the stack files")
	return cmd
}

package main

import (
	"errors"
	"io"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/spf13/cobra"
)

// Exit codes shared by the commands.
const (
	exitOK        = 0
	exitFailure   = 1 // a mandatory policy violation, or the program itself failed
	exitBadConfig = 2
)

// exitError carries an exit code out of a cobra command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

type rootCommand struct{ cmd *cobra.Command }

// newRootCommand builds the CLI around a program: stacks.Run in the binary, another in tests.
func newRootCommand(program pulumi.RunFunc) *rootCommand {
	root := &cobra.Command{
		Use:           "estate",
		Short:         "Plan, audit and release the HealthHub estate",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newPlanCommand(program), newAuditCommand())
	root.AddCommand(newReleaseCommands(program)...)
	return &rootCommand{cmd: root}
}

// execute runs the CLI with the given arguments and returns the process exit code.
func (r *rootCommand) execute(args []string, stdout, stderr io.Writer) (int, error) {
	r.cmd.SetArgs(args)
	r.cmd.SetOut(stdout)
	r.cmd.SetErr(stderr)
	err := r.cmd.Execute()
	var ee *exitError
	switch {
	case err == nil:
		return exitOK, nil
	case errors.As(err, &ee):
		return ee.code, ee.err
	default:
		// cobra's own errors: unknown flag, wrong number of arguments.
		return exitBadConfig, err
	}
}

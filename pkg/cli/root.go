package cli

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"
)

// Streams are where a command reads and writes: results go to Out, progress and logs to Err.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Exit codes, as the README documents them.
const (
	ExitOK       = 0
	ExitFailure  = 1 // invalid input, I/O, cluster
	ExitFindings = 2 // policy violations, or plan changes with --detailed-exitcode
)

// ExitError ends a command with a code. A silent one has already said what it had to on the streams.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// findings ends a command with ExitFindings once its report is written.
func findings(what string) error {
	return &ExitError{Code: ExitFindings, Err: errors.New(what), Silent: true}
}

// ExitCode is the process exit code for what Run returned.
func ExitCode(err error) int {
	var e *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &e):
		return e.Code
	}
	return ExitFailure
}

// Silent reports whether err was already reported on the streams.
func Silent(err error) bool {
	var e *ExitError
	return errors.As(err, &e) && e.Silent
}

// commands lists the constructors of netops's subcommands.
var commands = []func(Streams) *cobra.Command{
	newValidateCmd,
	newChangesCmd,
	newRenderCmd,
	newApplyCmd,
	newPlanCmd,
	newVersionCmd,
	newCheckCmd,
	newPolicyCmd,
	newReportCmd,
	newSchemaCmd,
	newExplainCmd,
	newInitCmd,
}

// NewRootCmd builds the netops command tree.
func NewRootCmd(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "netops",
		Short:         "GitOps for a network declared in a git repo",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       currentVersion().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	for _, c := range commands {
		root.AddCommand(c(s))
	}
	return root
}

// Run runs netops with args, as the process would.
func Run(ctx context.Context, s Streams, args []string) error {
	root := NewRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && !errors.As(err, new(*ExitError)) {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return err
}

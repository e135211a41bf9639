package cli

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/policy"
)

func newPolicyCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with the policies that netops check runs",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPolicyTestCmd(s), newPolicyInputCmd(s))
	return cmd
}

// policyTestFlags are the flags of netops policy test.
type policyTestFlags struct {
	repo    string
	rev     string
	verbose bool
}

func newPolicyTestCmd(s Streams) *cobra.Command {
	var flags policyTestFlags
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the Rego tests of the built-in policies and, with --repo, of the repo's own",
		Long: `Test runs the _test.rego files of netops's built-in policies and, with --repo, those in the
repo's policies/ folder against the repo's policies and data.

Exit codes: 0 every test passed; 1 a test failed, or an error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPolicyTest(cmd.Context(), s, flags)
		},
	}
	cmd.Flags().StringVar(&flags.repo, "repo", "", "the network repo whose policies/ tests to run too: a folder, or a git URL")
	cmd.Flags().StringVar(&flags.rev, "rev", "", "the revision of the repo to read (default: the files on disk, or HEAD of a URL)")
	cmd.Flags().BoolVarP(&flags.verbose, "verbose", "v", false, "list every test, not only the failures")
	return cmd
}

func runPolicyTest(ctx context.Context, s Streams, f policyTestFlags) error {
	var fsys fs.FS
	if f.repo != "" {
		repo, err := openRepo(ctx, f.repo)
		if err != nil {
			return err
		}
		defer repo.Close()
		if fsys, _, err = repo.FS(ctx, f.rev); err != nil {
			return err
		}
	}
	results, err := policy.RunTests(ctx, fsys)
	if err != nil {
		return fmt.Errorf("the policies:\n%w", err)
	}
	failed := 0
	for _, r := range results {
		if !r.Passed {
			failed++
		}
		if !r.Passed || f.verbose {
			fmt.Fprintf(s.Out, "%s %s: %s.%s%s\n", outcome(r), r.Pos, r.Package, r.Name, because(r))
		}
	}
	fmt.Fprintf(s.Out, "%d of %d policy tests passed\n", len(results)-failed, len(results))
	if failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d policy tests failed", failed), Silent: true}
	}
	return nil
}

func outcome(r policy.TestResult) string {
	switch {
	case r.Err != nil:
		return "ERROR"
	case r.Passed:
		return "PASS"
	}
	return "FAIL"
}

func because(r policy.TestResult) string {
	if r.Err == nil {
		return ""
	}
	return ": " + r.Err.Error()
}

func newPolicyInputCmd(s Streams) *cobra.Command {
	var flags repoFlags
	cmd := &cobra.Command{
		Use:   "input --repo R [--rev REV]",
		Short: "Print the input document that the policies see for the plan, as JSON",
		Long: `Input prints the document that the built-in policies and the repo's own read as input, for the plan
at --rev: the same JSON that opa eval or conftest can run the policies on. docs/policy-input.md
describes its shape, and pkg/policy/input.schema.json is its JSON Schema.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			plan, _, err := openPlan(cmd.Context(), flags.repo, flags.rev)
			if err != nil {
				return err
			}
			return writeJSON(s.Out, policy.Input(plan))
		},
	}
	flags.bind(cmd)
	return cmd
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/pkg/policy/report"
	"github.com/netops/netops/pkg/render"
	"github.com/netops/netops/pkg/source"
)

// checkFlags are the flags of netops check.
type checkFlags struct {
	repoFlags
	base   string
	output string
	writes []string
	strict bool
}

func newCheckCmd(s Streams) *cobra.Command {
	var flags checkFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the plan against netops's policies and the repo's own",
		Long: `Check loads the plan and runs the built-in policies and the Rego policies in the repo's
policies/ folder. Exceptions in the plan silence findings until they expire.

With --base, the plan at that revision is checked with the same policies, each finding is marked
new in this change or already there, and only new denies fail the check, unless --strict is given.

Exit codes: 0 no deny (or no new deny with --base); 2 denies; 1 an error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheck(cmd.Context(), s, flags)
		},
	}
	flags.bind(cmd)
	cmd.Flags().StringVar(&flags.base, "base", "", "compare with the plan at this revision, such as main, and fail only on new denies")
	cmd.Flags().BoolVar(&flags.strict, "strict", false, "with --base, fail on every deny, not only on new ones")
	cmd.Flags().StringVarP(&flags.output, "output", "o", "text", "output format: "+strings.Join(report.Formats, ", "))
	bindWrite(cmd, &flags.writes, strings.Join(report.Formats, ", "))
	return cmd
}

func runCheck(ctx context.Context, s Streams, f checkFlags) error {
	out, err := report.For(f.output)
	if err != nil {
		return err
	}
	extra, err := parseWrites(f.writes, report.For)
	if err != nil {
		return err
	}
	repo, err := openRepo(ctx, f.repo)
	if err != nil {
		return err
	}
	defer repo.Close()
	res, rev, err := checkRepo(ctx, repo, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "checked %s with %d rules: %s\n", at(source.Redact(f.repo), rev), len(res.Rules), report.Summarize(res))
	for _, u := range res.Undeclared {
		fmt.Fprintf(s.Err, "warning: %s\n", u)
	}
	rep := report.Report{Repo: source.Redact(f.repo), Revision: rev.Hash, Base: f.base, Result: res}
	err = errors.Join(out.Output(s.Out, rep), writeAll(extra, func(o report.Outputter, w io.Writer) error { return o.Output(w, rep) }))
	if err != nil {
		return err
	}
	return gate(res, f)
}

// checkRepo checks the plan at --rev with the repo's policies at that revision and, with --base,
// compares it with the plan at the base.
func checkRepo(ctx context.Context, repo *source.Repo, f checkFlags) (*policy.Result, source.Revision, error) {
	head, engine, res, err := checkHead(ctx, repo, f.repo, f.rev)
	if err == nil && f.base != "" {
		_, err = compareMergeBase(ctx, repo, engine, res, f.base, f.rev)
	}
	return res, head.Rev, err
}

// compareMergeBase compares res with the plan where the change branched off base, as plan does: a
// deny that base fixed after the branch point is not the change's own.
func compareMergeBase(ctx context.Context, repo *source.Repo, engine *policy.Engine, res *policy.Result, base, rev string) (loaded, error) {
	mb, err := repo.MergeBase(ctx, base, headRev(rev))
	if err != nil {
		return loaded{}, err
	}
	return compareBase(ctx, repo, engine, res, mb)
}

// checkHead loads the plan at rev and checks it with the repo's policies at that revision.
func checkHead(ctx context.Context, repo *source.Repo, name, rev string) (loaded, *policy.Engine, *policy.Result, error) {
	head, err := readPlan(ctx, repo, rev)
	if err != nil {
		return loaded{}, nil, nil, err
	}
	if err := overlaySecrets(ctx, head); err != nil {
		return head, nil, nil, err
	}
	engine, err := policy.New(ctx, head.FS)
	if err != nil {
		return head, nil, nil, fmt.Errorf("the policies of %s:\n%w", name, err)
	}
	res, err := checkLoaded(ctx, engine, head)
	return head, engine, res, err
}

// checkLoaded checks a loaded plan, with its rendered objects as input.rendered when a policy reads
// them: the plan is rendered only then.
func checkLoaded(ctx context.Context, engine *policy.Engine, l loaded) (*policy.Result, error) {
	if !engine.ReadsRendered() || l.FS == nil {
		return engine.Check(ctx, l.Plan)
	}
	r, err := renderLoaded(ctx, l, false)
	if err != nil {
		return nil, fmt.Errorf("rendering for the policies that read input.rendered: %w", err)
	}
	return engine.Check(ctx, l.Plan, policy.WithRendered(render.PolicyInput(r)))
}

// overlaySecrets refuses a Secret with a value that an overlay adds or patches in, as render and plan
// do: it renders the plan offline when the repo has overlays, and returns the render's SecretError.
// Other render errors are left to render and plan, which report them.
func overlaySecrets(ctx context.Context, l loaded) error {
	if _, err := fs.Stat(l.FS, "overlays"); err != nil {
		return nil
	}
	_, err := renderLoaded(ctx, l, true)
	var secret *render.SecretError
	if errors.As(err, &secret) {
		return err
	}
	return nil
}

// compareBase checks the plan at base with the head's policies, so that a finding is new only when the
// plan changed, marks the findings of res new or existing, and returns the base it read.
func compareBase(ctx context.Context, repo *source.Repo, engine *policy.Engine, res *policy.Result, base string) (loaded, error) {
	old, _, err := orEmpty(readPlan(ctx, repo, base))
	if err != nil {
		return loaded{}, fmt.Errorf("reading the base: %w", err)
	}
	baseRes, err := checkLoaded(ctx, engine, old)
	if err != nil {
		return loaded{}, fmt.Errorf("checking the base: %w", err)
	}
	res.Compare(baseRes)
	return old, nil
}

// gate fails the check on its denies: with a base, only on new ones, unless strict.
func gate(res *policy.Result, f checkFlags) error {
	onlyNew := f.base != "" && !f.strict
	if n := res.Count(policy.Deny, onlyNew); n > 0 {
		what := fmt.Sprintf("%d denies", n)
		if onlyNew {
			what = fmt.Sprintf("%d new denies", n)
		}
		return findings(what)
	}
	return nil
}

func at(repo string, rev source.Revision) string {
	if rev.Hash == "" {
		return repo
	}
	return repo + "@" + rev.Hash[:min(12, len(rev.Hash))]
}

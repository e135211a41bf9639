package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/report"
	"github.com/netops/netops/pkg/source"
)

// reportFlags are the flags of netops report.
type reportFlags struct {
	repoFlags
	base string
	out  string
}

func newReportCmd(s Streams) *cobra.Command {
	var flags reportFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write a self-contained HTML page of the address plan, its findings and, with --base, the change",
		Long: `report writes one HTML file that opens offline: its style is inline, its pictures are SVG and it
has no script. Per site, for the cluster and for the VPNs it shows the prefix tree with each
prefix's used, reserved and free addresses, an address map of every IPv4 /24 whose cells show their
name and file:line on hover, and the MetalLB pools with their fixed service IPs. The findings of
check are listed and marked on the cells and prefixes they concern.

With --base, the page also shows what the change adds, removes or moves since the merge base of
--base and --rev, and marks each finding new or existing.

Exit codes: 0 the report is written, whatever it shows; 1 an error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), s, flags)
		},
	}
	flags.bind(cmd)
	cmd.Flags().StringVar(&flags.base, "base", "", "show what changed since the merge base with this revision, such as main")
	cmd.Flags().StringVar(&flags.out, "out", "-", "the HTML file to write, or - for stdout")
	return cmd
}

func runReport(ctx context.Context, s Streams, f reportFlags) error {
	repo, err := openRepo(ctx, f.repo)
	if err != nil {
		return err
	}
	defer repo.Close()
	r, rev, err := buildReport(ctx, repo, f)
	if err != nil {
		return err
	}
	if err := writeReport(s.Out, f.out, r); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "wrote the report of %s to %s: %s\n", at(repoLabel(f.repo), rev), describeOut(f.out), countText(r.Counts))
	return nil
}

// buildReport checks the plan at --rev with the repo's policies and, with --base, compares it with
// the plan at the merge base.
func buildReport(ctx context.Context, repo *source.Repo, f reportFlags) (*report.Report, source.Revision, error) {
	head, engine, res, err := checkHead(ctx, repo, f.repo, f.rev)
	if err != nil {
		return nil, head.Rev, err
	}
	opts := []report.Option{report.WithSource(at(repoLabel(f.repo), head.Rev)), report.WithFindings(res)}
	if f.base != "" {
		base, err := compareMergeBase(ctx, repo, engine, res, f.base, f.rev)
		if err != nil {
			return nil, head.Rev, err
		}
		opts = append(opts, report.WithBase(base.Plan, describeRev(base.Rev, f.base)))
	}
	return report.New(head.Plan, opts...), head.Rev, nil
}

// writeReport writes the page to stdout for "-", or else whole or not at all to the file out.
func writeReport(stdout io.Writer, out string, r *report.Report) error {
	if out == "-" {
		return writeBuffered(stdout, r)
	}
	if err := writeFile(out, func(w io.Writer) error { return writeBuffered(w, r) }); err != nil {
		return fmt.Errorf("writing the report %s: %w", out, err)
	}
	return nil
}

func writeBuffered(w io.Writer, r *report.Report) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := r.WriteHTML(bw); err != nil {
		return err
	}
	return bw.Flush()
}

func describeOut(out string) string {
	if out == "-" {
		return "stdout"
	}
	return out
}

// countText is the report's counts for people, such as "2 sites, 15 networks, 0 denies".
func countText(list []report.Count) string {
	parts := make([]string, len(list))
	for i, c := range list {
		parts[i] = fmt.Sprintf("%d %s", c.N, c.Label)
	}
	return strings.Join(parts, ", ")
}

package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/changes"
	"github.com/netops/netops/pkg/source"
)

func newChangesCmd(s Streams) *cobra.Command {
	var flags struct {
		repo, base, head, output string
	}
	cmd := &cobra.Command{
		Use:   "changes",
		Short: "List the files and entities changed from base to head, and the sites they affect",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := openRepo(cmd.Context(), flags.repo)
			if err != nil {
				return err
			}
			defer r.Close()
			res, err := changes.Compute(cmd.Context(), r, flags.base, flags.head)
			if err != nil {
				return planError(source.Redact(flags.repo), "", err)
			}
			return writeChanges(s, flags.output, res)
		},
	}
	cmd.Flags().StringVar(&flags.repo, "repo", ".", "the network repo: a git folder or URL")
	cmd.Flags().StringVar(&flags.base, "base", "", "the base revision, such as the PR's target branch")
	cmd.Flags().StringVar(&flags.head, "head", "HEAD", "the head revision, such as the PR's commit")
	cmd.Flags().StringVarP(&flags.output, "output", "o", "text", "output format: text or json")
	_ = cmd.MarkFlagRequired("base")
	return cmd
}

type changesJSON struct {
	FormatVersion string `json:"format_version"`
	*changes.Result
}

func writeChanges(s Streams, format string, res *changes.Result) error {
	switch format {
	case "json":
		return writeJSON(s.Out, changesJSON{FormatVersion: FormatVersion, Result: res})
	case "text":
		for _, f := range res.Files {
			fmt.Fprintln(s.Out, f.String())
		}
		for _, e := range res.Entities {
			fmt.Fprintf(s.Out, "%-8s %s/%s (%s)\n", e.Action, strings.ToLower(e.Kind), e.Name, e.Pos)
		}
		fmt.Fprintf(s.Out, "affected sites: %s\n", sitesText(res))
		return nil
	}
	return fmt.Errorf("unknown output format %q; use text or json", format)
}

func sitesText(res *changes.Result) string {
	if len(res.Sites) == 0 {
		return "none"
	}
	text := strings.Join(res.Sites, ", ")
	if res.AllSites {
		text += " (all: a shared entity changed)"
	}
	return text
}

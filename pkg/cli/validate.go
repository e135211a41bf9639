package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/source"
)

// FormatVersion is the version of every JSON document netops writes.
const FormatVersion = "1"

func newValidateCmd(s Streams) *cobra.Command {
	var flags struct {
		repoFlags
		output string
	}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Load and resolve the network plan, reporting every problem at its file:line:col",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			plan, rev, err := openPlan(cmd.Context(), flags.repo, flags.rev)
			v := validation{FormatVersion: FormatVersion, Repo: source.Redact(flags.repo), Revision: revisionOf(rev)}
			return v.write(s, flags.output, plan, err)
		},
	}
	flags.bind(cmd)
	cmd.Flags().StringVarP(&flags.output, "output", "o", "text", "output format: text or json")
	return cmd
}

// validation is the result of validate, as JSON.
type validation struct {
	FormatVersion string        `json:"format_version"`
	Repo          string        `json:"repo"`
	Revision      revisionJSON  `json:"revision"`
	Valid         bool          `json:"valid"`
	Name          string        `json:"name,omitempty"`
	Counts        *counts       `json:"counts,omitempty"`
	Sites         []string      `json:"sites,omitempty"` // the site names, in the plan's order
	Errors        []problemJSON `json:"errors,omitempty"`
}

type counts struct {
	Sites     int `json:"sites"`
	Tenants   int `json:"tenants"`
	Networks  int `json:"networks"`
	Addresses int `json:"addresses"`
	Services  int `json:"services"`
	VPNs      int `json:"vpns"`
	Clusters  int `json:"clusters"`
}

type problemJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

func countsOf(p *network.Plan) *counts {
	return &counts{Sites: len(p.Sites), Tenants: len(p.Tenants), Networks: len(p.Networks), Addresses: len(p.Addresses),
		Services: len(p.Services), VPNs: len(p.VPNs), Clusters: len(p.Clusters)}
}

func (v validation) write(s Streams, format string, plan *network.Plan, err error) error {
	var perr *PlanError
	if err != nil && !errors.As(err, &perr) {
		return err
	}
	if perr != nil {
		v.Errors = problems(perr)
	} else {
		v.Valid, v.Name, v.Counts = true, plan.Name, countsOf(plan)
		for _, s := range plan.Sites {
			v.Sites = append(v.Sites, s.Name)
		}
	}
	switch format {
	case "json":
		if werr := writeJSON(s.Out, v); werr != nil {
			return werr
		}
	case "text":
		v.text(s)
	default:
		return fmt.Errorf("unknown output format %q; use text or json", format)
	}
	if perr != nil {
		return &ExitError{Code: ExitFailure, Err: perr, Silent: true}
	}
	return nil
}

func (v validation) text(s Streams) {
	if !v.Valid {
		for _, p := range v.Errors {
			fmt.Fprintf(s.Err, "%s: %s\n", network.Pos{File: p.File, Line: p.Line, Col: p.Col}, withHint(p))
		}
		fmt.Fprintf(s.Err, "%s: %d problem(s)\n", v.Repo, len(v.Errors))
		return
	}
	c := v.Counts
	fmt.Fprintf(s.Out, "%s is valid: %s, %s, %s, %s, %s, %s, %s\n", v.Name, plural(c.Sites, "site"), plural(c.Tenants, "tenant"),
		plural(c.Networks, "network"), pluralEs(c.Addresses, "address"), plural(c.Services, "service"), plural(c.VPNs, "VPN"), plural(c.Clusters, "cluster"))
}

func withHint(p problemJSON) string {
	if p.Hint == "" {
		return p.Message
	}
	return p.Message + "; " + p.Hint
}

func problems(e *PlanError) []problemJSON {
	out := make([]problemJSON, len(e.Errors))
	for i, le := range e.Errors {
		out[i] = problemJSON{File: le.Pos.File, Line: le.Pos.Line, Col: le.Pos.Col, Message: le.Msg, Hint: le.Hint}
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

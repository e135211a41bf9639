package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/netops/netops/pkg/policy"
)

// Markdown writes a pull request comment: a heading with the verdict, a summary table, then a table of
// the findings with their file:line, and the excepted ones folded away.
type Markdown struct{}

func (Markdown) Output(w io.Writer, r Report) error {
	p := &printer{w: w}
	s := Summarize(r.Result)
	p.printf("### netops check: %s\n\n", verdict(r, s))
	p.printf("%s\n", where(r))
	summaryTable(p, r, s)
	if len(r.Result.Findings) > 0 {
		p.printf("\n| Severity | Rule | Entity | Where | Message |\n|---|---|---|---|---|\n")
		for _, f := range r.Result.Findings {
			p.printf("| %s | `%s` | `%s` | `%s` | %s |\n", severity(f), f.Rule, f.Entity, f.Pos, cell(f.Message))
		}
	}
	if len(r.Result.Excepted) > 0 {
		p.printf("\n<details><summary>%d excepted</summary>\n\n| Rule | Entity | Where | Reason | Expires |\n|---|---|---|---|---|\n", len(r.Result.Excepted))
		for _, f := range r.Result.Excepted {
			p.printf("| `%s` | `%s` | `%s` | %s | %s |\n", f.Rule, f.Entity, f.Pos, cell(f.Exception.Reason), f.Exception.Expires)
		}
		p.printf("\n</details>\n")
	}
	return p.err
}

func verdict(r Report, s Summary) string {
	switch {
	case s.Deny == 0 && s.Warn == 0:
		return "passed"
	case r.Base != "" && s.NewDeny == 0:
		return fmt.Sprintf("no new denies (%s)", s)
	case s.Deny == 0:
		return fmt.Sprintf("passed with %s", count(s.Warn, s.NewWarn, "warning", "warnings"))
	}
	return "failed: " + s.String()
}

func where(r Report) string {
	at := "`" + r.Repo + "`"
	if r.Revision != "" {
		at += " at `" + short(r.Revision) + "`"
	}
	if r.Base != "" {
		at += ", compared with `" + short(r.Base) + "`"
	}
	return "Checked " + at + "."
}

func short(rev string) string {
	if len(rev) == 40 {
		return rev[:12]
	}
	return rev
}

func summaryTable(p *printer, r Report, s Summary) {
	if r.Base == "" {
		p.printf("\n| | Deny | Warn | Excepted |\n|---|---:|---:|---:|\n| Findings | %d | %d | %d |\n", s.Deny, s.Warn, s.Excepted)
		return
	}
	p.printf("\n| | Deny | Warn |\n|---|---:|---:|\n| New in this change | %d | %d |\n| Already there | %d | %d |\n| Excepted | %d | |\n",
		s.NewDeny, s.NewWarn, s.Deny-s.NewDeny, s.Warn-s.NewWarn, s.Excepted)
}

func severity(f policy.Finding) string {
	s := "**" + string(f.Severity) + "**"
	if f.Severity == policy.Warn {
		s = string(f.Severity)
	}
	if f.Status != "" {
		s += " (" + string(f.Status) + ")"
	}
	return s
}

// cell makes text safe for one cell of a Markdown table.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
}

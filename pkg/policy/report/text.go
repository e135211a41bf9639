package report

import (
	"fmt"
	"io"

	"github.com/netops/netops/pkg/policy"
)

// Text writes one line per finding, file:line first, and a summary.
type Text struct{}

func (Text) Output(w io.Writer, r Report) error {
	p := &printer{w: w}
	for _, f := range r.Result.Findings {
		p.printf("%s: %s %s %s: %s%s\n", f.Pos, f.Severity, f.Rule, f.Entity, f.Message, status(f))
	}
	for _, f := range r.Result.Excepted {
		p.printf("%s: excepted %s %s: %s%s\n", f.Pos, f.Rule, f.Entity, f.Exception.Reason, until(f))
	}
	p.printf("%s\n", Summarize(r.Result))
	return p.err
}

func status(f policy.Finding) string {
	if f.Status == "" {
		return ""
	}
	return " [" + string(f.Status) + "]"
}

func until(f policy.Finding) string {
	if f.Exception.Expires == "" {
		return ""
	}
	return " (until " + f.Exception.Expires + ")"
}

// printer keeps the first write error, so that a writer needs one check at its end.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/netops/netops/pkg/policy"
)

// FormatVersion is the version of the JSON output. It changes only when a field changes meaning or
// goes away.
const FormatVersion = "1"

// Report is what a check found, and where it looked.
type Report struct {
	Repo     string // the repo as given
	Revision string // the commit checked; "" for files on disk
	Base     string // the revision the findings were compared with; "" for none
	Result   *policy.Result
}

// Outputter writes a report in one format.
type Outputter interface {
	Output(w io.Writer, r Report) error
}

// Formats lists the formats that For knows.
var Formats = []string{"text", "json", "markdown", "junit", "sarif"}

// For returns the Outputter of a format.
func For(format string) (Outputter, error) {
	switch format {
	case "text":
		return Text{}, nil
	case "json":
		return JSON{}, nil
	case "markdown":
		return Markdown{}, nil
	case "junit":
		return JUnit{}, nil
	case "sarif":
		return SARIF{}, nil
	}
	return nil, fmt.Errorf("unknown output format %q; use one of %s", format, strings.Join(Formats, ", "))
}

var (
	_ Outputter = Text{}
	_ Outputter = JSON{}
	_ Outputter = Markdown{}
	_ Outputter = JUnit{}
	_ Outputter = SARIF{}
)

// Summary counts a report's findings.
type Summary struct {
	Deny     int `json:"deny"`
	Warn     int `json:"warn"`
	NewDeny  int `json:"new_deny"` // with a base only
	NewWarn  int `json:"new_warn"`
	Excepted int `json:"excepted"`
}

// Summarize counts the findings of a result.
func Summarize(r *policy.Result) Summary {
	return Summary{
		Deny: r.Count(policy.Deny, false), Warn: r.Count(policy.Warn, false),
		NewDeny: r.Count(policy.Deny, true), NewWarn: r.Count(policy.Warn, true),
		Excepted: len(r.Excepted),
	}
}

// String is the summary for people, such as "2 denies (1 new), 1 warning, 1 excepted".
func (s Summary) String() string {
	return fmt.Sprintf("%s, %s, %d excepted", count(s.Deny, s.NewDeny, "deny", "denies"), count(s.Warn, s.NewWarn, "warning", "warnings"), s.Excepted)
}

func count(n, fresh int, one, many string) string {
	word := many
	if n == 1 {
		word = one
	}
	if fresh > 0 {
		return fmt.Sprintf("%d %s (%d new)", n, word, fresh)
	}
	return fmt.Sprintf("%d %s", n, word)
}

package report

import (
	"encoding/json"
	"io"

	"github.com/netops/netops/pkg/policy"
)

// JSON writes the report as one JSON document with a format_version.
type JSON struct{}

type jsonReport struct {
	FormatVersion string        `json:"format_version"`
	Repo          string        `json:"repo"`
	Revision      string        `json:"revision,omitempty"`
	Base          string        `json:"base,omitempty"`
	Summary       Summary       `json:"summary"`
	Findings      []jsonFinding `json:"findings"`
	Excepted      []jsonFinding `json:"excepted"`
	Rules         []jsonRule    `json:"rules"`
}

type jsonFinding struct {
	Rule      string         `json:"rule"`
	Severity  string         `json:"severity"`
	Entity    string         `json:"entity"`
	Related   string         `json:"related,omitempty"`
	Message   string         `json:"message"`
	File      string         `json:"file"`
	Line      int            `json:"line"`
	Col       int            `json:"col,omitempty"`
	Status    string         `json:"status,omitempty"` // new or existing, with a base
	Source    string         `json:"source"`
	Exception *jsonException `json:"exception,omitempty"`
}

type jsonException struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
	File    string `json:"file"`
	Line    int    `json:"line"`
}

type jsonRule struct {
	ID          string `json:"id"`
	Severity    string `json:"severity"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source,omitempty"`
}

func (JSON) Output(w io.Writer, r Report) error {
	doc := jsonReport{
		FormatVersion: FormatVersion, Repo: r.Repo, Revision: r.Revision, Base: r.Base, Summary: Summarize(r.Result),
		Findings: jsonFindings(r.Result.Findings), Excepted: jsonFindings(r.Result.Excepted), Rules: []jsonRule{},
	}
	for _, rule := range r.Result.Rules {
		doc.Rules = append(doc.Rules, jsonRule{ID: rule.ID, Severity: string(rule.Severity), Title: rule.Title,
			Description: rule.Description, Source: rule.Source})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func jsonFindings(list []policy.Finding) []jsonFinding {
	out := make([]jsonFinding, len(list))
	for i, f := range list {
		out[i] = jsonFinding{Rule: f.Rule, Severity: string(f.Severity), Entity: f.Entity, Related: f.Related, Message: f.Message,
			File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col, Status: string(f.Status), Source: f.Source}
		if e := f.Exception; e != nil {
			out[i].Exception = &jsonException{Reason: e.Reason, Expires: e.Expires, File: e.Pos.File, Line: e.Pos.Line}
		}
	}
	return out
}

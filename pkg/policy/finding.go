package policy

import (
	"cmp"
	"slices"

	"github.com/netops/netops/pkg/network"
)

// Severity says whether a finding fails the check or only reports.
type Severity string

// The severities.
const (
	Deny Severity = "deny"
	Warn Severity = "warn"
)

// Status says whether a finding is new in a change, once Compare has seen the change's base.
type Status string

// The statuses; a finding has none until it is compared.
const (
	StatusNew      Status = "new"
	StatusExisting Status = "existing"
)

// Finding is one result of one rule about one entity.
type Finding struct {
	Rule       string
	Severity   Severity
	Entity     string // kind/name, see Entity
	Related    string // the other entity of a pair, such as the network an overlap is with; may be ""
	Message    string
	Pos        network.Pos // where Entity is declared
	RelatedPos network.Pos
	Source     string             // the file of the rule: builtin/… for netops's own, policies/… for the repo's
	Status     Status             // set by Compare
	Exception  *network.Exception // the exception that covers the finding, or nil
}

// Key identifies a finding across two revisions of the plan: its rule, its entity and its related entity.
func (f Finding) Key() string { return f.Rule + "|" + f.Entity + "|" + f.Related }

// Rule describes one rule that a check ran.
type Rule struct {
	ID          string
	Severity    Severity
	Title       string
	Description string
	Source      string // as in Finding
}

// Result is what a check found. Findings covered by an exception are in Excepted, not in Findings.
type Result struct {
	Findings []Finding // in file, line and rule order
	Excepted []Finding
	Rules    []Rule // every rule the check ran, by id
	Compared bool   // whether Compare marked Findings as new or existing
	// Undeclared are the repo's rules without a custom.id, which Rules leaves out until they report.
	Undeclared []Undeclared
}

// Count counts the findings of a severity; with onlyNew, only those new since the base.
func (r *Result) Count(sev Severity, onlyNew bool) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == sev && (!onlyNew || f.Status == StatusNew) {
			n++
		}
	}
	return n
}

// Compare marks each finding as new, or as existing when base has one with the same Key.
func (r *Result) Compare(base *Result) {
	seen := map[string]bool{}
	for _, f := range slices.Concat(base.Findings, base.Excepted) {
		seen[f.Key()] = true
	}
	for _, list := range [][]Finding{r.Findings, r.Excepted} {
		for i := range list {
			list[i].Status = StatusNew
			if seen[list[i].Key()] {
				list[i].Status = StatusExisting
			}
		}
	}
	r.Compared = true
}

func sortFindings(list []Finding) {
	slices.SortFunc(list, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.Related, b.Related), cmp.Compare(a.Message, b.Message))
	})
}

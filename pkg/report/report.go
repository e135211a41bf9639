package report

import (
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// FormatVersion is the version of the page's layout, written into its generator meta tag.
const FormatVersion = "1"

// openUpTo is the most sections a page opens by default; a larger plan opens only the sections that
// hold a finding or a change, so that a 1000-site page stays quick to open.
const openUpTo = 8

// Report is what the page shows. New builds it from a plan; WriteHTML writes it.
type Report struct {
	Name        string
	Description string
	Source      string // the repo and revision, as the caller names them
	Base        string // what the changes are against; "" without a base
	Checked     bool   // whether findings were given
	Compared    bool   // whether the findings are marked new or existing
	Counts      []Count
	Roles       []Swatch
	Tenants     []Swatch
	Findings    []*Finding
	Excepted    []*Finding
	Changes     []*Change
	Sections    []*Section
}

// Count is one number in the page's header, such as 15 networks.
type Count struct {
	N     int
	Label string
	Class string // deny or warn for findings, "" otherwise
}

// Swatch is one colour of the legend.
type Swatch struct {
	Name  string
	Class string
}

// Option changes what New puts in a report.
type Option func(*options)

type options struct {
	source    string
	findings  *policy.Result
	base      *network.Plan
	baseLabel string
}

// WithSource names where the plan was read, such as the repo and revision, for the page's header.
func WithSource(label string) Option { return func(o *options) { o.source = label } }

// WithFindings marks the findings of a check on the cells and prefixes they concern, and lists them.
func WithFindings(r *policy.Result) Option { return func(o *options) { o.findings = r } }

// WithBase highlights what changed from the plan base, named label, to the plan of the report:
// networks, addresses and services added, removed, or moved to another prefix or IP.
func WithBase(base *network.Plan, label string) Option {
	return func(o *options) { o.base, o.baseLabel = base, label }
}

// New builds the report of a plan.
func New(p *network.Plan, opts ...Option) *Report {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	b := newBuilder(p)
	r := &Report{Name: p.Name, Description: p.Description, Source: o.source, Base: o.baseLabel}
	r.Sections = b.skeleton()
	if o.findings != nil {
		r.Checked, r.Compared = true, o.findings.Compared
		r.Findings, r.Excepted = b.findings(o.findings)
	}
	if o.base != nil {
		r.Changes = b.changes(o.base)
	}
	for _, s := range r.Sections {
		b.fill(s, len(r.Sections))
	}
	r.Counts = counts(p, r)
	r.Roles, r.Tenants = b.legend()
	return r
}

func counts(p *network.Plan, r *Report) []Count {
	pools := 0
	for _, n := range p.Networks {
		if n.Role == network.RolePool {
			pools++
		}
	}
	out := []Count{count(len(p.Sites), "site", "sites", ""), count(len(p.Networks), "network", "networks", ""),
		count(len(p.Addresses), "address", "addresses", ""), count(pools, "pool", "pools", ""),
		count(len(p.Services), "service", "services", "")}
	if r.Checked {
		out = append(out, count(severities(r.Findings, policy.Deny), "deny", "denies", "deny"),
			count(severities(r.Findings, policy.Warn), "warning", "warnings", "warn"))
	}
	if r.Base != "" {
		out = append(out, count(len(r.Changes), "change", "changes", "chg"))
	}
	return out
}

func count(n int, one, many, class string) Count {
	if n == 1 {
		return Count{N: n, Label: one, Class: class}
	}
	return Count{N: n, Label: many, Class: class}
}

func severities(list []*Finding, sev policy.Severity) int {
	n := 0
	for _, f := range list {
		if f.Severity == string(sev) {
			n++
		}
	}
	return n
}

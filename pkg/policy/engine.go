package policy

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/netops/netops/pkg/network"
)

// Engine runs the built-in policies and a repo's own against plans. New compiles and prepares them
// once; Check may then run as often as needed, such as on a change's head and on its base.
type Engine struct {
	query   rego.PreparedEvalQuery
	outputs []output
	rules   []Rule
	now     time.Time
	// undeclared are the repo's rules without a custom.id.
	undeclared []Undeclared
	// readsRendered: some rule reads input.rendered.
	readsRendered bool
}

// output is one rule whose results the query collects, such as data.netops.cidr.deny.
type output struct {
	name     string // the query variable
	ref      string // the rule's path, such as data.netops.cidr.deny
	pkg      string // the package path, without data.
	rule     string // deny, warn, violation, or one of those with a _suffix
	severity Severity
	source   string // the file of its first definition
}

// Option changes how an Engine checks.
type Option func(*Engine)

// WithNow sets the time against which exceptions expire; the default is the time New runs.
func WithNow(t time.Time) Option { return func(e *Engine) { e.now = t } }

// New reads the built-in policies and, when repo is not nil, the repo's own from its policies folder
// (see Dir), and prepares them to run. Problems with the policies come back as Errors.
func New(ctx context.Context, repo fs.FS, opts ...Option) (*Engine, error) {
	e := &Engine{now: time.Now()}
	for _, opt := range opts {
		opt(e)
	}
	// The built-in tests are for RunTests; the repo's own are read, so that their errors fail a check.
	m, err := readModules(repo, false)
	if err != nil {
		return nil, err
	}
	c := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1)
	if c.Compile(m.policies); c.Failed() {
		return nil, opaErrors(c.Errors)
	}
	e.outputs = outputs(c)
	e.rules = catalog(c)
	e.undeclared = undeclared(c)
	e.readsRendered = readsRendered(c)
	r := rego.New(rego.Compiler(c), rego.Query(queryText(e.outputs)), rego.Store(inmem.NewFromObject(m.data)))
	if e.query, err = r.PrepareForEval(ctx); err != nil {
		return nil, opaErrors(err)
	}
	return e, nil
}

// Rules lists every rule the engine runs, by id.
func (e *Engine) Rules() []Rule { return e.rules }

// outputs finds every rule named deny, warn or violation (alone or with a _suffix, as conftest has it).
func outputs(c *ast.Compiler) []output {
	seen := map[string]bool{}
	var out []output
	for _, name := range sortedModuleNames(c) {
		mod := c.Modules[name]
		for _, r := range mod.Rules {
			path := r.Path()
			last, ok := path[len(path)-1].Value.(ast.String)
			sev := severityOf(string(last))
			if !ok || sev == "" || seen[path.String()] {
				continue
			}
			seen[path.String()] = true
			pkg := strings.TrimPrefix(path[:len(path)-1].String(), "data.")
			out = append(out, output{ref: path.String(), pkg: pkg, rule: string(last), severity: sev, source: name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ref < out[j].ref })
	for i := range out {
		out[i].name = fmt.Sprintf("r%d", i)
	}
	return out
}

func sortedModuleNames(c *ast.Compiler) []string {
	names := make([]string, 0, len(c.Modules))
	for n := range c.Modules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func severityOf(rule string) Severity {
	for _, s := range []struct {
		name string
		sev  Severity
	}{{"deny", Deny}, {"violation", Deny}, {"warn", Warn}} {
		if rule == s.name || strings.HasPrefix(rule, s.name+"_") {
			return s.sev
		}
	}
	return ""
}

// queryText collects each output as an array, so that a rule with no result gives [] and not undefined.
func queryText(outs []output) string {
	parts := make([]string, len(outs))
	for i, o := range outs {
		parts[i] = fmt.Sprintf("%s := [x | some x in %s]", o.name, o.ref)
	}
	if len(parts) == 0 {
		return "true"
	}
	return strings.Join(parts, "; ")
}

// CheckOption adds to what a check reads.
type CheckOption func(*checkInput)

type checkInput struct {
	rendered map[string][]map[string]any
}

// WithRendered gives the policies the Kubernetes objects rendered for each site, as input.rendered.
func WithRendered(objects map[string][]map[string]any) CheckOption {
	return func(c *checkInput) { c.rendered = objects }
}

// Check runs every policy against the plan. Findings that an exception covers go to Excepted.
func (e *Engine) Check(ctx context.Context, p *network.Plan, opts ...CheckOption) (*Result, error) {
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(ast.LazyObject(Input(p, opts...))))
	if err != nil {
		return nil, opaErrors(err)
	}
	found, err := e.findings(rs, p)
	if err != nil {
		return nil, err
	}
	kept, excepted := except(found, p.Exceptions, e.now)
	sortFindings(kept)
	sortFindings(excepted)
	return &Result{Findings: kept, Excepted: excepted, Rules: withSeen(e.rules, kept, excepted), Undeclared: e.undeclared}, nil
}

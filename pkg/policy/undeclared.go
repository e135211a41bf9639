package policy

import (
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/netops/netops/pkg/network"
)

// Undeclared is a rule of the repo's own policies that has no `custom.id` in a `# METADATA` block
// of its own. check runs it, and its findings carry the id package.rule, but the list of rules a check
// ran, and their count, leave it out until it reports.
type Undeclared struct {
	Pos  network.Pos
	Rule string // such as main.deny
}

func (u Undeclared) String() string {
	return u.Pos.String() + ": rule " + u.Rule + " has no # METADATA with custom.id, so check neither lists nor counts it until it reports; add a METADATA block with custom: {id: ...} above it (see policies/README.md)"
}

// undeclared finds the repo's deny, warn and violation rules without a custom.id.
func undeclared(c *ast.Compiler) []Undeclared {
	var out []Undeclared
	for name, mod := range c.Modules {
		if strings.HasPrefix(name, builtinPrefix) || strings.HasSuffix(name, "_test.rego") {
			continue
		}
		for _, r := range mod.Rules {
			path := r.Path()
			last, ok := path[len(path)-1].Value.(ast.String)
			if !ok || severityOf(string(last)) == "" || hasID(r) {
				continue
			}
			pos := network.Pos{File: r.Location.File, Line: r.Location.Row, Col: r.Location.Col}
			out = append(out, Undeclared{Pos: pos, Rule: strings.TrimPrefix(path.String(), "data.")})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		return a.File < b.File || a.File == b.File && a.Line < b.Line
	})
	return out
}

func hasID(r *ast.Rule) bool {
	for _, a := range r.Annotations {
		if id, _ := a.Custom["id"].(string); id != "" && a.Scope == "rule" {
			return true
		}
	}
	return false
}

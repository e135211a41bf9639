package policy

import (
	"fmt"
	"slices"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/netops/netops/pkg/network"
)

// findings reads what every output rule returned. A rule may return, as conftest's do, a message or an
// object with msg and, optionally, rule (the id; it defaults to package.rule, such as main.deny),
// entity (kind/name; it defaults to the plan) and related.
func (e *Engine) findings(rs rego.ResultSet, p *network.Plan) ([]Finding, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	var loc locator
	var out []Finding
	for _, o := range e.outputs {
		values, _ := rs[0].Bindings[o.name].([]any)
		for _, v := range values {
			f, err := o.finding(v, p)
			if err != nil {
				return nil, err
			}
			if loc == nil {
				loc = newLocator(p)
			}
			f.Pos, f.RelatedPos = loc.at(f.Entity, p), loc[f.Related]
			out = append(out, f)
		}
	}
	return out, nil
}

func (o output) finding(v any, p *network.Plan) (Finding, error) {
	f := Finding{Rule: o.pkg + "." + o.rule, Severity: o.severity, Entity: Entity(p), Source: o.source}
	switch v := v.(type) {
	case string:
		f.Message = v
		return f, nil
	case map[string]any:
		msg, ok := v["msg"].(string)
		if !ok {
			break
		}
		f.Message = msg
		f.Rule = stringOr(v["rule"], f.Rule)
		f.Entity = stringOr(v["entity"], f.Entity)
		f.Related = stringOr(v["related"], "")
		return f, nil
	}
	return f, &Error{Pos: network.Pos{File: o.source}, Msg: fmt.Sprintf(
		"data.%s.%s returned %s; return a message, or an object with msg (and rule, entity, related)", o.pkg, o.rule, describe(v))}
}

func stringOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

func describe(v any) string {
	val, err := ast.InterfaceToValue(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return val.String()
}

// at is the position of an entity, or of the plan for an entity the plan does not have.
func (l locator) at(entity string, p *network.Plan) network.Pos {
	if pos, ok := l[entity]; ok {
		return pos
	}
	return p.Pos
}

// catalog lists the rules the engine runs: every rule whose METADATA gives custom.id, and the rules
// about exceptions.
func catalog(c *ast.Compiler) []Rule {
	byID := map[string]Rule{}
	for _, ref := range c.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		id, _ := a.Custom["id"].(string)
		last, _ := ref.Path[len(ref.Path)-1].Value.(ast.String)
		sev := severityOf(string(last))
		if a.Scope != "rule" || id == "" || sev == "" {
			continue
		}
		r := byID[id]
		r.ID, r.Severity = id, sev
		if r.Title == "" {
			r.Title, r.Description, r.Source = a.Title, a.Description, ref.Location.File
		}
		byID[id] = r
	}
	for _, r := range exceptionRules {
		byID[r.ID] = r
	}
	rules := make([]Rule, 0, len(byID))
	for _, r := range byID {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// withSeen adds to the catalog the rules that findings name but no METADATA declares.
func withSeen(rules []Rule, lists ...[]Finding) []Rule {
	out := slices.Clone(rules)
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	for _, list := range lists {
		for _, f := range list {
			if !known[f.Rule] {
				known[f.Rule] = true
				out = append(out, Rule{ID: f.Rule, Severity: f.Severity, Source: f.Source})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

package policy

import "github.com/open-policy-agent/opa/v1/ast"

// renderedRef is the part of the input that holds the rendered objects.
var renderedRef = ast.MustParseRef("input.rendered")

// ReadsRendered says whether a policy reads input.rendered, so that a caller renders the plan for
// the check only when some rule looks at the rendered objects.
func (e *Engine) ReadsRendered() bool { return e.readsRendered }

// readsRendered finds a reference to input.rendered, or to input as a whole, in any module.
func readsRendered(c *ast.Compiler) bool {
	found := false
	for _, mod := range c.Modules {
		ast.WalkRefs(mod, func(r ast.Ref) bool {
			if r.HasPrefix(renderedRef) || (len(r) == 1 && r.Equal(ast.InputRootRef)) {
				found = true
			}
			return found
		})
		if found {
			return true
		}
	}
	return false
}

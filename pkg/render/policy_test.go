package render_test

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/netops/netops/pkg/render"
)

// TestPolicyInput checks the shape the policy stage reads: target name to objects, as JSON values
// that OPA takes, copies that a policy cannot change the result through.
func TestPolicyInput(t *testing.T) {
	res := renderExample(t)
	in := render.PolicyInput(res)
	if len(in) != len(res.Targets) {
		t.Fatalf("%d targets in the input, want %d", len(in), len(res.Targets))
	}
	for _, tg := range res.Targets {
		objs := in[tg.Name]
		if len(objs) != len(tg.Objects) {
			t.Fatalf("target %s: %d objects in the input, want %d", tg.Name, len(objs), len(tg.Objects))
		}
		for _, o := range objs {
			if _, err := ast.InterfaceToValue(o); err != nil {
				t.Fatalf("target %s: OPA cannot read %v: %v", tg.Name, o["metadata"], err)
			}
		}
	}
	in["home"][0]["kind"] = "Changed"
	if res.Target("home").Objects[0].GetKind() == "Changed" {
		t.Error("the policy input shares the rendered objects")
	}
}

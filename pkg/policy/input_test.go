package policy_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/policies"
)

// TestInputAsJSON runs the built-in policies on the input as JSON, as opa eval or conftest would, and
// finds what Check finds.
func TestInputAsJSON(t *testing.T) {
	p := seedPlan(t)
	b, err := json.Marshal(policy.Input(p))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["version"] != float64(policy.InputVersion) || len(doc["addresses"].([]any)) != len(p.Addresses) {
		t.Fatalf("input version %v with %d addresses", doc["version"], len(doc["addresses"].([]any)))
	}
	opts := []func(*rego.Rego){rego.Query("data.netops.cidr.deny"), rego.Input(doc)}
	for _, name := range []string{"lib.rego", "cidr.rego"} {
		src, err := policies.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, rego.Module(name, string(src)))
	}
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(rs[0].Expressions[0].Value.([]any)); got != 6 {
		t.Errorf("the CIDR rules found %d on the JSON input, want the seed's 6", got)
	}
}

package policy_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/netops/netops/pkg/policy"
)

func inputSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("input.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("input.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("input.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// asJSON is the input as opa eval and `netops policy input` see it: through encoding/json.
func asJSON(t *testing.T, in map[string]any) any {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The published schema of the input matches what Input gives for the example, and refuses an input
// whose shape differs.
func TestInputSchema(t *testing.T) {
	s := inputSchema(t)
	in := asJSON(t, policy.Input(loadExample(t)))
	if err := s.Validate(in); err != nil {
		t.Fatalf("the example's input does not match input.schema.json: %v", err)
	}
	site := in.(map[string]any)["sites"].(map[string]any)["home"].(map[string]any)
	delete(site, "entity")
	if err := s.Validate(in); err == nil || !strings.Contains(err.Error(), "entity") {
		t.Errorf("a site without entity passes: %v", err)
	}
}

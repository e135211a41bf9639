package policies_test

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/policies"
)

// TestRego runs every built-in policy's Rego tests.
func TestRego(t *testing.T) {
	results, err := policy.RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 25 {
		t.Errorf("%d Rego tests ran, want at least 25", len(results))
	}
	for _, r := range results {
		if !r.Passed {
			t.Errorf("%s: %s.%s failed (%v)", r.Pos, r.Package, r.Name, r.Err)
		}
	}
}

// TestEveryPolicyHasTests checks that each .rego file has a sibling _test.rego.
func TestEveryPolicyHasTests(t *testing.T) {
	names, err := fs.Glob(policies.FS, "*.rego")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	for _, n := range names {
		if !strings.HasSuffix(n, "_test.rego") && !have[strings.TrimSuffix(n, ".rego")+"_test.rego"] {
			t.Errorf("%s has no sibling %s", n, strings.TrimSuffix(n, ".rego")+"_test.rego")
		}
	}
}

// TestReadmeListsEveryRule keeps README.md's table of rules in step with the rules.
func TestReadmeListsEveryRule(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Rules() {
		row := "| `" + r.ID + "` | " + string(r.Severity) + " | " + r.Title + " |"
		if !strings.Contains(string(b), row) {
			t.Errorf("README.md lacks the row %s", row)
		}
	}
}

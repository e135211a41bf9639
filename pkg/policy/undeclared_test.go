package policy_test

import (
	"testing"
)

// The warn rule of the naming policy has no METADATA: the result names it at its file:line; the
// deny rule, which has custom.id, and the built-in rules are not named.
func TestUndeclaredRepoRule(t *testing.T) {
	res := checkRepo(t, repoPolicy(t)...)
	if len(res.Undeclared) != 1 {
		t.Fatalf("undeclared = %+v, want the naming warn rule", res.Undeclared)
	}
	got := res.Undeclared[0].String()
	want := "policies/naming.rego:19:1: rule homelab.naming.warn has no # METADATA with custom.id"
	if len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("undeclared = %q, want it to start with %q", got, want)
	}
	if res := checkRepo(t); len(res.Undeclared) != 0 {
		t.Errorf("the built-in rules are undeclared: %+v", res.Undeclared)
	}
}

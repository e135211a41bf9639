package policies_test

import (
	"io/fs"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/netops/netops/policies"
)

// TestFormatted checks that every module is as opa fmt writes it.
func TestFormatted(t *testing.T) {
	names, _ := fs.Glob(policies.FS, "*.rego")
	for _, n := range names {
		src, err := fs.ReadFile(policies.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		got, err := format.SourceWithOpts(n, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if string(got) != string(src) {
			t.Errorf("%s is not formatted as opa fmt would", n)
		}
	}
}

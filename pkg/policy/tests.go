package policy

import (
	"context"
	"io/fs"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/netops/netops/pkg/network"
)

// TestResult is the outcome of one Rego test.
type TestResult struct {
	Package  string // such as netops.cidr_test
	Name     string // such as test_overlap_fires
	Pos      network.Pos
	Passed   bool
	Err      error // why the test could not run, if it could not
	Duration time.Duration
}

// RunTests runs the tests of the built-in policies and, when repo is not nil, the repo's _test.rego
// files in its policies folder, with the repo's policies and data. The results come in file and line
// order.
func RunTests(ctx context.Context, repo fs.FS) ([]TestResult, error) {
	m, err := readModules(repo, true)
	if err != nil {
		return nil, err
	}
	all := maps.Clone(m.policies)
	maps.Copy(all, m.tests)
	runner := tester.NewRunner().
		SetDefaultRegoVersion(ast.RegoV1).
		SetStore(inmem.NewFromObject(m.data)).
		SetModules(all)
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return nil, opaErrors(err)
	}
	var out []TestResult
	for r := range ch {
		out = append(out, TestResult{Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name, Pos: location(r.Location),
			Passed: r.Pass(), Err: r.Error, Duration: r.Duration})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return out, nil
}

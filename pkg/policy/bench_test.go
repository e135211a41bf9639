package policy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/pkg/policy/synth"
)

func synthPlan(tb testing.TB, sites int) *network.Plan {
	tb.Helper()
	fsys, err := synth.Repo(sites)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := load.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestSynthChecksClean(t *testing.T) {
	res := check(t, synthPlan(t, 10))
	for _, f := range res.Findings {
		t.Errorf("%s: %s %s %s: %s", f.Pos, f.Severity, f.Rule, f.Entity, f.Message)
	}
}

// BenchmarkCheck times a whole check of a loaded synthetic plan: preparing the policies, computing the
// facts, building the input and evaluating every rule. Loading the plan is left out; see
// BenchmarkLoad. Besides the wall time it reports the process's CPU time per check (cpu-ns/op), which a
// busy machine disturbs less.
func BenchmarkCheck(b *testing.B) {
	for _, sites := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("sites=%d", sites), func(b *testing.B) {
			p := synthPlan(b, sites)
			ctx := context.Background()
			b.ReportAllocs()
			defer reportCPU(b, cpuTime())
			for b.Loop() {
				e, err := policy.New(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				res, err := e.Check(ctx, p)
				if err != nil || len(res.Findings) != 0 {
					b.Fatalf("check: %v, %d findings", err, len(res.Findings))
				}
			}
		})
	}
}

// BenchmarkLoad times loading the synthetic repo from memory: the floor under a whole netops check.
func BenchmarkLoad(b *testing.B) {
	for _, sites := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("sites=%d", sites), func(b *testing.B) {
			fsys, err := synth.Repo(sites)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			defer reportCPU(b, cpuTime())
			for b.Loop() {
				if _, err := load.Load(fsys); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

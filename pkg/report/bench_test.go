package report_test

import (
	"fmt"
	"testing"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy/synth"
	"github.com/netops/netops/pkg/report"
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

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(b []byte) (int, error) {
	w.n += int64(len(b))
	return len(b), nil
}

// BenchmarkReport times building the report of a loaded synthetic plan and writing its page, and
// reports the page's size. Loading and checking the plan are left out; see pkg/policy's benchmarks.
func BenchmarkReport(b *testing.B) {
	for _, sites := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("sites=%d", sites), func(b *testing.B) {
			p := synthPlan(b, sites)
			b.ReportAllocs()
			var size countingWriter
			for b.Loop() {
				size.n = 0
				if err := report.New(p).WriteHTML(&size); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size.n), "page-bytes")
		})
	}
}

package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMedian(t *testing.T) {
	s := func(walls ...time.Duration) []sample {
		out := make([]sample, len(walls))
		for i, w := range walls {
			out[i] = sample{wall: w, cpu: 2 * w}
		}
		return out
	}
	cases := []struct {
		in   []sample
		want time.Duration
	}{
		{nil, 0},
		{s(3), 3},
		{s(5, 1, 3), 3},
		{s(4, 1, 3, 2), 2}, // (2+3)/2, in whole nanoseconds
	}
	for _, c := range cases {
		if got := median(c.in, false); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := median(s(5, 1, 3), true); got != 6 {
		t.Errorf("median CPU = %v, want 6", got)
	}
	if lo, hi := spread(s(5, 1, 3)); lo != 1 || hi != 5 {
		t.Errorf("spread = %v, %v; want 1, 5", lo, hi)
	}
}

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkCheck/sites=10-2         	       5	  27000000 ns/op	  28000000 cpu-ns/op	 8200000 B/op	  134000 allocs/op
BenchmarkRender-2   	      20	  24000000 ns/op	10200000 B/op	  112000 allocs/op
PASS
`
	got := parseBench([]byte(out))
	want := []goBench{
		{name: "BenchmarkCheck/sites=10", metrics: map[string]float64{"ns/op": 27e6, "cpu-ns/op": 28e6, "B/op": 8.2e6, "allocs/op": 134e3}},
		{name: "BenchmarkRender", metrics: map[string]float64{"ns/op": 24e6, "B/op": 10.2e6, "allocs/op": 112e3}},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(goBench{})); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}

// TestDecodeObjects reads a helm template stream, whose documents end without a blank line: the
// block scalar before a --- keeps its newline.
func TestDecodeObjects(t *testing.T) {
	stream := "---\n# Source: a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: |\n    one\n---\n# Source: b.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n"
	objs, err := decodeObjects([]byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("got %d objects, want 2", len(objs))
	}
	if got := objs[0].Object["data"].(map[string]any)["x"]; got != "one\n" {
		t.Errorf("block scalar = %q, want %q", got, "one\n")
	}
	if got := key(objs[0], "ns"); got != "ConfigMap/ns/a" {
		t.Errorf("key of a chart's ConfigMap = %q, want it in the release namespace", got)
	}
	if got := key(objs[1], "ns"); got != "Namespace//b" {
		t.Errorf("key of a Namespace = %q, want it cluster-scoped", got)
	}
}

func TestCommandString(t *testing.T) {
	c := command{args: []string{"go", "test", "-bench", "A|B c"}, env: []string{"X=1"}}
	if got, want := c.String(), "X=1 go test -bench 'A|B c'"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

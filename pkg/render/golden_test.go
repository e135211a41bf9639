package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what rendering gives now")

// TestGolden compares each target of examples/homelab with testdata/homelab/<target>.yaml.
func TestGolden(t *testing.T) {
	res := renderExample(t)
	if len(res.Targets) != 3 {
		t.Fatalf("got %d targets, want homelab, cabin and home", len(res.Targets))
	}
	for _, tg := range res.Targets {
		got := yamlOf(t, tg)
		file := filepath.Join("testdata", "homelab", tg.Name+".yaml")
		if *update {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v; run go test ./pkg/render -run TestGolden -update", err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("target %s differs from %s (-want +got):\n%s", tg.Name, file, diff)
		}
	}
}

// TestSameBytes renders twice, in one process, where map order differs from run to run.
func TestSameBytes(t *testing.T) {
	first, second := renderExample(t), renderExample(t)
	for i, tg := range first.Targets {
		if a, b := yamlOf(t, tg), yamlOf(t, second.Targets[i]); !bytes.Equal(a, b) {
			t.Errorf("target %s: two renders differ:\n%s", tg.Name, cmp.Diff(string(a), string(b)))
		}
	}
}

package render_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy/synth"
	"github.com/netops/netops/pkg/render"
)

// BenchmarkRender renders examples/homelab in-process: three targets, the MetalLB chart, the Traefik
// chart twice and the Weave Kustomize base.
func BenchmarkRender(b *testing.B) {
	p := loadExample(b)
	repo := os.DirFS(example)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.Render(context.Background(), p, render.WithRepo(repo)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderSites renders synthetic plans of growing size, to show how rendering scales with
// the number of sites: the cluster's components once, then each site's pools and services.
func BenchmarkRenderSites(b *testing.B) {
	for _, sites := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("sites=%d", sites), func(b *testing.B) {
			fsys, p := synthPlan(b, sites)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := render.Render(context.Background(), p, render.WithRepo(fsys)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLinearOutput checks that the output grows linearly with the sites, which keeps rendering
// linear too: each added site adds the same number of objects, and no policy lists more prefixes
// in a bigger plan. A LAN service's policy that listed every site's networks would fail both.
func TestLinearOutput(t *testing.T) {
	var objects, widest []int
	for _, sites := range []int{10, 20, 30} {
		fsys, p := synthPlan(t, sites)
		res := renderPlan(t, p, render.WithRepo(fsys))
		n, w := 0, 0
		for _, o := range all(res) {
			n++
			w = max(w, len(ipBlocks(o.obj.Object)))
		}
		objects, widest = append(objects, n), append(widest, w)
	}
	if objects[2]-objects[1] != objects[1]-objects[0] {
		t.Errorf("objects at 10, 20 and 30 sites: %v; want the same number per 10 sites", objects)
	}
	if widest[0] != widest[2] {
		t.Errorf("most ipBlocks in one object at 10, 20 and 30 sites: %v; want the same", widest)
	}
}

// ipBlocks finds every ipBlock under v.
func ipBlocks(v any) []any {
	var out []any
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if k == "ipBlock" {
				out = append(out, e)
				continue
			}
			out = append(out, ipBlocks(e)...)
		}
	case []any:
		for _, e := range v {
			out = append(out, ipBlocks(e)...)
		}
	}
	return out
}

// synthPlan makes the synthetic repo of pkg/policy/synth with that many sites, and loads it.
func synthPlan(tb testing.TB, sites int) (fs.FS, *network.Plan) {
	tb.Helper()
	fsys, err := synth.Repo(sites)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := load.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return fsys, p
}

package render_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/netops/netops/pkg/load"
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
// 1000 sites is left out: every LAN service's NetworkPolicy lists the LAN prefixes of every site of
// its cluster, so the output grows with services times sites, past this machine's memory.
func BenchmarkRenderSites(b *testing.B) {
	for _, sites := range []int{10, 100} {
		b.Run(fmt.Sprintf("sites=%d", sites), func(b *testing.B) {
			fsys, err := synth.Repo(sites)
			if err != nil {
				b.Fatal(err)
			}
			p, err := load.Load(fsys)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := render.Render(context.Background(), p, render.WithRepo(fsys)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

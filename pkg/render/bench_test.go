package render_test

import (
	"context"
	"os"
	"testing"

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

package render_test

import (
	"context"
	"maps"
	"testing"
	"testing/fstest"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/render"
)

// FuzzRender renders the homelab with one file replaced by the fuzzer's bytes: whatever the loader
// accepts must render or fail with an error, never panic, and render the same bytes twice.
func FuzzRender(f *testing.F) {
	base := exampleFS(f)
	for _, name := range []string{"sites/cabin.yaml", "vpns.yaml", "tenants.yaml"} {
		f.Add(name, base[name].Data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if base[name] == nil {
			return
		}
		fsys := maps.Clone(base)
		fsys[name] = &fstest.MapFile{Data: data}
		p, err := load.Load(fsys)
		if err != nil {
			return
		}
		first, err := render.Render(context.Background(), p, render.WithRepo(fsys))
		if err != nil {
			return
		}
		second, err := render.Render(context.Background(), p, render.WithRepo(fsys))
		if err != nil {
			t.Fatalf("the second render failed: %v", err)
		}
		for i, tg := range first.Targets {
			a, errA := tg.YAML()
			b, errB := second.Targets[i].YAML()
			if errA != nil || errB != nil || string(a) != string(b) {
				t.Fatalf("target %s renders differently twice (%v, %v)", tg.Name, errA, errB)
			}
		}
	})
}

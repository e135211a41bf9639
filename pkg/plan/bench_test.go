package plan_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/plan"
	"github.com/netops/netops/pkg/render"
)

// homelabTargets renders examples/homelab with one text replaced in one file, as a pull request
// would change it.
func homelabTargets(b testing.TB, file, old, new string) plan.Targets {
	b.Helper()
	fsys := fstest.MapFS{}
	root := os.DirFS("../../examples/homelab")
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(root, p)
		if p == file {
			data = []byte(strings.Replace(string(data), old, new, 1))
		}
		fsys[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	p, err := load.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	res, err := render.Render(context.Background(), p, render.WithRepo(fsys))
	if err != nil {
		b.Fatal(err)
	}
	out := plan.Targets{}
	for _, t := range res.Targets {
		out[t.Name] = t.Objects
	}
	return out
}

// BenchmarkOffline compares two renders of the homelab, before and after plex moves to another IP,
// and writes the plan as text: the offline plan of a pull request, without the renders themselves.
func BenchmarkOffline(b *testing.B) {
	before := homelabTargets(b, "services.yaml", "", "")
	after := homelabTargets(b, "services.yaml", "ip: 192.168.6.60", "ip: 192.168.6.61")
	view, err := plan.NewView("text")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p := plan.Offline(before, after)
		if !p.HasChanges() {
			b.Fatal("the plan has no changes")
		}
		if err := view.Write(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkViewTargets writes the text and Markdown views of a plan that changes one object in
// each of n targets: the time per target should not grow with n.
func BenchmarkViewTargets(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		before, after := plan.Targets{}, plan.Targets{}
		for i := range n {
			name := fmt.Sprintf("site-%05d", i)
			cm := func(v string) *unstructured.Unstructured {
				return &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": "v1", "kind": "ConfigMap",
					"metadata": map[string]any{"name": name, "namespace": "pihole"},
					"data":     map[string]any{"v": v},
				}}
			}
			before[name] = []*unstructured.Unstructured{cm("a")}
			after[name] = []*unstructured.Unstructured{cm("b")}
		}
		p := plan.Offline(before, after)
		for _, view := range []plan.View{plan.Text{}, plan.Markdown{}} {
			b.Run(fmt.Sprintf("%T/targets=%d", view, n), func(b *testing.B) {
				for b.Loop() {
					if err := view.Write(io.Discard, p); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/target")
			})
		}
	}
}

package plan_test

import (
	"context"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/plan"
	"github.com/netops/netops/pkg/render"
)

// homelabTargets renders examples/homelab with one text replaced in one file, as a pull request
// would change it.
func homelabTargets(b *testing.B, file, old, new string) plan.Targets {
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

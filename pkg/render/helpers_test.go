package render_test

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/render"
)

const example = "../../examples/homelab"

// loadExample loads examples/homelab afresh, so that a test may change its plan.
func loadExample(t testing.TB) *network.Plan {
	t.Helper()
	p, err := loadPlan()
	if err != nil {
		t.Fatalf("load %s: %v", example, err)
	}
	return p
}

func loadPlan() (*network.Plan, error) { return load.Load(os.DirFS(example)) }

func renderPlan(t testing.TB, p *network.Plan, opts ...render.Option) *render.Result {
	t.Helper()
	res, err := render.Render(context.Background(), p, opts...)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return res
}

func renderExample(t testing.TB) *render.Result {
	t.Helper()
	return renderPlan(t, loadExample(t), render.WithRepo(os.DirFS(example)))
}

// all lists the objects of every target, with the target each is in.
func all(res *render.Result) []placed {
	var out []placed
	for _, tg := range res.Targets {
		for _, o := range tg.Objects {
			out = append(out, placed{tg, o})
		}
	}
	return out
}

type placed struct {
	target *render.Target
	obj    *unstructured.Unstructured
}

// ofKind lists the objects of a kind in every target.
func ofKind(res *render.Result, kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, p := range all(res) {
		if p.obj.GetKind() == kind {
			out = append(out, p.obj)
		}
	}
	return out
}

// find returns the object of a target with this kind, namespace and name, failing the test if none.
func find(t *testing.T, tg *render.Target, kind, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range tg.Objects {
		if o.GetKind() == kind && o.GetNamespace() == namespace && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("target %s has no %s %s/%s", tg.Name, kind, namespace, name)
	return nil
}

func target(t *testing.T, res *render.Result, name string) *render.Target {
	t.Helper()
	tg := res.Target(name)
	if tg == nil {
		t.Fatalf("no target %s", name)
	}
	return tg
}

func yamlOf(t *testing.T, tg *render.Target) []byte {
	t.Helper()
	b, err := tg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// str reads a string field of an object, failing the test if it is not there.
func str(t *testing.T, o *unstructured.Unstructured, fields ...string) string {
	t.Helper()
	v, ok, err := unstructured.NestedString(o.Object, fields...)
	if !ok || err != nil {
		t.Fatalf("%s %s: no string at %v (%v)", o.GetKind(), o.GetName(), fields, err)
	}
	return v
}

// exampleFS is examples/homelab as an in-memory file system, for tests that change its files.
func exampleFS(tb testing.TB) fstest.MapFS {
	tb.Helper()
	fsys := fstest.MapFS{}
	if err := fs.WalkDir(os.DirFS(example), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(example), path)
		fsys[path] = &fstest.MapFile{Data: data}
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return fsys
}

// editedExample loads examples/homelab with edits of one file: pairs of old and new, each old
// replaced once, which must be there. An empty old leaves the file as it is.
func editedExample(t *testing.T, file string, edits ...string) *network.Plan {
	t.Helper()
	fsys := exampleFS(t)
	for i := 0; i+1 < len(edits); i += 2 {
		data, old := string(fsys[file].Data), edits[i]
		if old == "" {
			continue
		}
		if !strings.Contains(data, old) {
			t.Fatalf("%s lacks %q", file, old)
		}
		fsys[file].Data = []byte(strings.Replace(data, old, edits[i+1], 1))
	}
	p, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

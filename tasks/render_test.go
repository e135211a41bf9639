package tasks_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/tasks/internal/manifests"
)

func TestRenderTaskWritesOneFilePerTargetAndNamesThem(t *testing.T) {
	repo := homelabRepo(t)
	r := newRunner(t)
	pr := testRun(t, "netops-render/0.1/tests/run.yaml", map[string]string{"repo-url": repo.url(), "revision": repo.head("main")})
	got, ws := runPipeline(t, r, pr, nil)
	render := taskRunOf(t, got, "render")
	mustSucceed(t, render)

	if diff := cmp.Diff([]string{"cabin", "home"}, result(t, render, "sites").ArrayVal); diff != "" {
		t.Errorf("result sites (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"homelab"}, result(t, render, "clusters").ArrayVal); diff != "" {
		t.Errorf("result clusters (-want +got):\n%s", diff)
	}
	files, _ := filepath.Glob(filepath.Join(ws["source"], ".netops", "rendered", "*"))
	var names []string
	objects := 0
	for _, f := range files {
		names = append(names, filepath.Base(f))
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := manifests.Documents(data)
		if err != nil {
			t.Fatal(err)
		}
		objects += len(docs)
	}
	if diff := cmp.Diff([]string{"cabin.yaml", "home.yaml", "homelab.yaml"}, names); diff != "" {
		t.Errorf("rendered files (-want +got):\n%s", diff)
	}
	if got := result(t, render, "objects").StringVal; got != itoa(objects) || objects == 0 {
		t.Errorf("result objects = %q, want %d, the documents in the rendered files", got, objects)
	}
	if v, ok := got.Result("clusters"); !ok || len(v.ArrayVal) != 1 {
		t.Errorf("pipeline result clusters = %+v, want the one cluster", v)
	}
}

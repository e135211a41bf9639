package apply_test

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/apply"
)

func TestApplyCreatesEveryObject(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{})
	home := target(t, "home", id)

	res := mustApply(t, a, home)

	if diff := cmp.Diff(all(home, apply.Created), actions(res)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if res.Created != len(home.Objects) || res.Configured+res.Unchanged+res.Pruned != 0 {
		t.Errorf("counts: %+v", res)
	}
	if diff := cmp.Diff(names(home), live(t, id, home.Name)); diff != "" {
		t.Errorf("objects in the cluster (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(names(home), inventory(t, home.Name)); diff != "" {
		t.Errorf("inventory (-want +got):\n%s", diff)
	}
}

func TestApplyTwiceChangesNothing(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{Prune: true, Wait: true})
	home := target(t, "home", id)
	mustApply(t, a, home)

	res := mustApply(t, a, target(t, "home", id))

	if diff := cmp.Diff(all(home, apply.Unchanged), actions(res)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if res.Unchanged != len(home.Objects) || res.Created+res.Configured+res.Pruned != 0 {
		t.Errorf("counts: %+v", res)
	}
}

func TestApplyConfiguresAChangedObject(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{})
	home := target(t, "home", id)
	mustApply(t, a, home)
	changed := without(home, "ConfigMap/home-"+id+"/b")
	changed.Objects = append(changed.Objects, configMap("home-"+id, "b", "changed"))

	res := mustApply(t, a, changed)

	want := all(home, apply.Unchanged)
	want["ConfigMap/home-"+id+"/b"] = apply.Configured
	if diff := cmp.Diff(want, actions(res)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if got := get(t, configMapGVK, "home-"+id, "b").Object["data"]; !cmp.Equal(got, map[string]any{"x": "changed"}) {
		t.Errorf("ConfigMap b holds %v, want x: changed", got)
	}
}

func TestApplyAllIsolatesTargets(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{Concurrency: 2})
	home, cabin := target(t, "home", id), target(t, "cabin", id)
	broken := apply.Target{Name: "broken-" + id, Objects: []*unstructured.Unstructured{configMap("missing-"+id, "x", "1")}}
	ts := []apply.Target{home, broken, cabin}

	results := a.ApplyAll(t.Context(), ts)

	if len(results) != len(ts) {
		t.Fatalf("%d results, want %d", len(results), len(ts))
	}
	for i, tg := range ts {
		if results[i].Target != tg.Name {
			t.Errorf("result %d is for %q, want %q", i, results[i].Target, tg.Name)
		}
	}
	if results[0].Err != nil || results[2].Err != nil {
		t.Errorf("home: %v; cabin: %v", results[0].Err, results[2].Err)
	}
	var oerr *apply.ObjectError
	if !errors.As(results[1].Err, &oerr) || oerr.Object.String() != "ConfigMap/missing-"+id+"/x" {
		t.Errorf("broken: got %v (%T), want an *ObjectError naming ConfigMap/missing-%s/x", results[1].Err, results[1].Err, id)
	}
	if diff := cmp.Diff(names(home), live(t, id, home.Name)); diff != "" {
		t.Errorf("home in the cluster (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(names(cabin), live(t, id, cabin.Name)); diff != "" {
		t.Errorf("cabin in the cluster (-want +got):\n%s", diff)
	}
}

// TestApplyScopes applies what the API server would make of a cluster-scoped object with a namespace,
// and records it without one; a namespaced object without a namespace is an error that says so.
func TestApplyScopes(t *testing.T) {
	id := newID()
	role := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
		"metadata": map[string]any{"name": "reader-" + id, "namespace": "default"},
		"rules":    []any{},
	}}
	a, _ := newApplier(t, apply.Options{})
	mustApply(t, a, apply.Target{Name: "scoped-" + id, Objects: []*unstructured.Unstructured{role}})
	if diff := cmp.Diff([]string{"ClusterRole/reader-" + id}, inventory(t, "scoped-"+id)); diff != "" {
		t.Errorf("inventory (-want +got):\n%s", diff)
	}

	_, err := a.Apply(t.Context(), apply.Target{Name: "unscoped-" + id, Objects: []*unstructured.Unstructured{configMap("", "a", "1")}})
	if err == nil || !strings.Contains(err.Error(), "ConfigMap/a") || !strings.Contains(err.Error(), "set metadata.namespace") {
		t.Errorf("a ConfigMap without a namespace: %v; want an error naming it and saying what to do", err)
	}
}

package apply_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netops/netops/pkg/apply"
)

// editByHand applies obj as the kubectl-edit field manager, taking over the fields it sets.
func editByHand(t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": obj.GetNamespace()}}}
	for _, o := range []*unstructured.Unstructured{ns, obj} {
		if err := k8s.Patch(t.Context(), o, client.Apply, client.FieldOwner("kubectl-edit"), client.ForceOwnership); err != nil {
			t.Fatalf("kubectl-edit: %v", err)
		}
	}
}

func TestConflictNamesTheOtherManager(t *testing.T) {
	id := newID()
	ns := "home-" + id
	home := target(t, "home", id)
	editByHand(t, configMap(ns, "a", "edited"))
	a, _ := newApplier(t, apply.Options{})

	_, err := a.Apply(t.Context(), home)

	var cerr *apply.ConflictError
	if !errors.As(err, &cerr) {
		t.Fatalf("got %v (%T), want a *ConflictError", err, err)
	}
	want := &apply.ConflictError{Object: apply.ObjectRef{Version: "v1", Kind: "ConfigMap", Namespace: ns, Name: "a"},
		Managers: []string{"kubectl-edit"}, Fields: []string{".data.x"}}
	if diff := cmp.Diff(want, cerr, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Err" }, cmp.Ignore())); diff != "" {
		t.Errorf("conflict (-want +got):\n%s", diff)
	}
	for _, s := range []string{"ConfigMap/" + ns + "/a", "kubectl-edit", ".data.x"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the message lacks %q: %v", s, err)
		}
	}
	if got := get(t, configMapGVK, ns, "a").Object["data"]; !cmp.Equal(got, map[string]any{"x": "edited"}) {
		t.Errorf("ConfigMap a holds %v after a refused apply, want x: edited", got)
	}
}

func TestForceConflictsTakesOver(t *testing.T) {
	id := newID()
	ns := "home-" + id
	home := target(t, "home", id)
	editByHand(t, configMap(ns, "a", "edited"))
	a, _ := newApplier(t, apply.Options{ForceConflicts: true})

	res := mustApply(t, a, home)

	if got := actions(res)["ConfigMap/"+ns+"/a"]; got != apply.Configured {
		t.Errorf("ConfigMap a was %s, want configured", got)
	}
	cm := get(t, configMapGVK, ns, "a")
	if got := cm.Object["data"]; !cmp.Equal(got, map[string]any{"x": "1"}) {
		t.Errorf("ConfigMap a holds %v, want x: 1", got)
	}
	for _, mf := range cm.GetManagedFields() {
		if mf.Manager == "kubectl-edit" && strings.Contains(string(mf.FieldsV1.Raw), `"f:x"`) {
			t.Errorf("kubectl-edit still owns .data.x: %s", mf.FieldsV1.Raw)
		}
	}
}

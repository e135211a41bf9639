package apply_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/netops/netops/pkg/apply"
)

func TestPruneDeletesOnlyWhatTheTargetDropped(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{Prune: true})
	home, cabin := target(t, "home", id), target(t, "cabin", id)
	mustApply(t, a, home)
	mustApply(t, a, cabin)
	dropped := []string{"ConfigMap/home-" + id + "/c", "Service/home-" + id + "/web"}
	smaller := without(home, dropped...)

	stale, err := apply.Stale(t.Context(), k8s, smaller, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dropped, refNames(stale)); diff != "" {
		t.Errorf("Stale (-want +got):\n%s", diff)
	}
	res := mustApply(t, a, smaller)

	want := all(smaller, apply.Unchanged)
	for _, d := range dropped {
		want[d] = apply.Pruned
	}
	if diff := cmp.Diff(want, actions(res)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(names(smaller), live(t, id, home.Name)); diff != "" {
		t.Errorf("home in the cluster (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(names(smaller), inventory(t, home.Name)); diff != "" {
		t.Errorf("home's inventory (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(names(cabin), live(t, id, cabin.Name)); diff != "" {
		t.Errorf("cabin in the cluster (-want +got):\n%s", diff)
	}
}

func TestPruneLeavesAnObjectAnotherTargetTookOver(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{Prune: true})
	home, cabin := target(t, "home", id), target(t, "cabin", id)
	mustApply(t, a, home)
	mustApply(t, a, cabin)
	moved := "ConfigMap/home-" + id + "/a"
	cabin.Objects = append(cabin.Objects, configMap("home-"+id, "a", "1"))
	mustApply(t, a, cabin)

	res := mustApply(t, a, without(home, moved))

	if got := actions(res)[moved]; got != "" {
		t.Errorf("home reported %s %s; it belongs to cabin now", moved, got)
	}
	if got := get(t, configMapGVK, "home-"+id, "a").GetLabels()[apply.TargetLabel]; got != cabin.Name {
		t.Errorf("%s is labelled for %q, want %q", moved, got, cabin.Name)
	}
	if diff := cmp.Diff(names(without(home, moved)), inventory(t, home.Name)); diff != "" {
		t.Errorf("home's inventory (-want +got):\n%s", diff)
	}
}

// TestPruneLeavesAnObjectMovingToAnotherTarget prunes the target an object leaves before the target
// it moves to has applied: the render says where it goes, so the prune leaves it to that target.
func TestPruneLeavesAnObjectMovingToAnotherTarget(t *testing.T) {
	id := newID()
	home, cabin := target(t, "home", id), target(t, "cabin", id)
	first, _ := newApplier(t, apply.Options{Prune: true})
	mustApply(t, first, home)
	mustApply(t, first, cabin)
	moving := "ConfigMap/home-" + id + "/a"
	smaller, bigger := without(home, moving), cabin
	bigger.Objects = append(slices.Clone(cabin.Objects), configMap("home-"+id, "a", "1"))
	a, log := newApplier(t, apply.Options{Prune: true, Rendered: []apply.Target{smaller, bigger}})
	for _, c := range []struct {
		rendered []apply.Target
		want     []string
	}{{nil, []string{moving}}, {[]apply.Target{smaller, bigger}, []string{}}} {
		stale, err := apply.Stale(t.Context(), k8s, smaller, apply.ClaimsOf(c.rendered))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, refNames(stale)); diff != "" {
			t.Errorf("Stale with %d rendered targets (-want +got):\n%s", len(c.rendered), diff)
		}
	}

	res := mustApply(t, a, smaller)

	if got := actions(res)[moving]; got != "" {
		t.Errorf("home %s %s, which cabin renders now", got, moving)
	}
	if !strings.Contains(log.String(), "leaving "+moving+", which target "+cabin.Name+" renders now") {
		t.Errorf("the log does not say why %s stays:\n%s", moving, log.String())
	}
	get(t, configMapGVK, "home-"+id, "a") // still there
	res = mustApply(t, a, bigger)
	if got := actions(res)[moving]; got != apply.Configured {
		t.Errorf("cabin took over %s: %q, want %q", moving, got, apply.Configured)
	}
	if got := get(t, configMapGVK, "home-"+id, "a").GetLabels()[apply.TargetLabel]; got != cabin.Name {
		t.Errorf("%s is labelled for %q, want %q", moving, got, cabin.Name)
	}
}

func TestPruneRefusesAnEmptyRender(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{Prune: true})
	home := target(t, "home", id)
	mustApply(t, a, home)

	res, err := a.Apply(t.Context(), apply.Target{Name: home.Name})

	var perr *apply.PruneError
	if !errors.As(err, &perr) || !perr.Empty || perr.Inventory != len(home.Objects) {
		t.Fatalf("got %v (%T), want a *PruneError for an empty render of %d objects", err, err, len(home.Objects))
	}
	if res.Pruned != 0 || res.Err != err {
		t.Errorf("result: %+v", res)
	}
	if diff := cmp.Diff(names(home), live(t, id, home.Name)); diff != "" {
		t.Errorf("home in the cluster (-want +got):\n%s", diff)
	}
}

func TestPruneRefusesAMassPruneUnlessAllowed(t *testing.T) {
	id := newID()
	a, _ := newApplier(t, apply.Options{Prune: true})
	home := target(t, "home", id)
	mustApply(t, a, home)
	ns := "home-" + id
	dropped := []string{"ConfigMap/" + ns + "/a", "ConfigMap/" + ns + "/b", "ConfigMap/" + ns + "/c",
		"Service/" + ns + "/web", "Secret/" + ns + "/creds"}
	smaller := without(home, dropped...)

	_, err := a.Apply(t.Context(), smaller)

	var perr *apply.PruneError
	if !errors.As(err, &perr) || perr.Empty || perr.Stale != len(dropped) || perr.Inventory != len(home.Objects) {
		t.Fatalf("got %v (%T), want a *PruneError for %d of %d objects", err, err, len(dropped), len(home.Objects))
	}
	if diff := cmp.Diff(names(home), live(t, id, home.Name)); diff != "" {
		t.Errorf("home after the refusal (-want +got):\n%s", diff)
	}

	allowed, _ := newApplier(t, apply.Options{Prune: true, AllowMassPrune: true})
	res := mustApply(t, allowed, smaller)

	if res.Pruned != len(dropped) {
		t.Errorf("pruned %d objects, want %d", res.Pruned, len(dropped))
	}
	if diff := cmp.Diff(names(smaller), live(t, id, home.Name)); diff != "" {
		t.Errorf("home after the allowed prune (-want +got):\n%s", diff)
	}
}

// TestOrphans removes a target from the plan: Orphans lists it, and never another plan's target; its
// prune is refused as an empty render unless a mass prune is allowed, and then deletes everything it
// applied, and its inventory.
func TestOrphans(t *testing.T) {
	id := newID()
	home, cabin := target(t, "home", id), target(t, "cabin", id)
	plan := "plan-" + id
	before, _ := newApplier(t, apply.Options{Prune: true, Plan: plan})
	mustApply(t, before, home)
	mustApply(t, before, cabin)
	other, _ := newApplier(t, apply.Options{Prune: true, Plan: "other-" + id})
	mustApply(t, other, apply.Target{Name: "lodge-" + id, Objects: []*unstructured.Unstructured{configMap("home-"+id, "lodge", "1")}})

	after, _ := newApplier(t, apply.Options{Prune: true, Plan: plan, Rendered: []apply.Target{home}})
	orphans, err := after.Orphans(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{cabin.Name}, orphans); diff != "" {
		t.Errorf("orphans (-want +got):\n%s", diff)
	}
	_, err = after.Apply(t.Context(), apply.Target{Name: cabin.Name})
	var perr *apply.PruneError
	if !errors.As(err, &perr) || !perr.Empty {
		t.Fatalf("pruning a removed target without a mass prune: %v; want an empty-render *PruneError", err)
	}
	if diff := cmp.Diff(names(cabin), live(t, id, cabin.Name)); diff != "" {
		t.Errorf("cabin after the refused prune (-want +got):\n%s", diff)
	}

	allowed, _ := newApplier(t, apply.Options{Prune: true, AllowMassPrune: true, Plan: plan, Rendered: []apply.Target{home}})
	res := mustApply(t, allowed, apply.Target{Name: cabin.Name})
	if res.Pruned != len(cabin.Objects) {
		t.Errorf("pruned %d objects, want all %d of cabin", res.Pruned, len(cabin.Objects))
	}
	if got := live(t, id, cabin.Name); len(got) != 0 {
		t.Errorf("cabin left in the cluster: %v", got)
	}
	if orphans, err := allowed.Orphans(t.Context()); err != nil || len(orphans) != 0 {
		t.Errorf("orphans after the prune: %v, %v; want none, the inventory gone", orphans, err)
	}
}

// TestPruneAtAServedVersion looks for the objects a prune would delete when the inventory recorded one
// at a version the cluster has stopped serving: it is found at the version served now, not dropped.
func TestPruneAtAServedVersion(t *testing.T) {
	id := newID()
	home := target(t, "home", id)
	a, _ := newApplier(t, apply.Options{Prune: true})
	mustApply(t, a, home)
	crd := get(t, schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}, "", "widgets.t"+id+".test.netops.dev")
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	v1 := versions[0].(map[string]any)
	v2 := maps.Clone(v1)
	v2["name"] = "v2"
	v1["served"], v1["storage"] = false, false
	if err := unstructured.SetNestedSlice(crd.Object, []any{v1, v2}, "spec", "versions"); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Update(t.Context(), crd); err != nil {
		t.Fatal(err)
	}
	fresh, _, err := apply.NewClient(cfg) // a REST mapper that has not seen the group yet
	if err != nil {
		t.Fatal(err)
	}
	gizmo := "Widget/home-" + id + "/gizmo"

	stale, err := apply.Stale(t.Context(), fresh, without(home, gizmo), nil)

	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 1 || stale[0].String() != gizmo || stale[0].Version != "v2" {
		t.Errorf("stale: %+v; want %s at v2", stale, gizmo)
	}
}

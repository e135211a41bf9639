package apply

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fluxcd/cli-utils/pkg/object"
	"github.com/fluxcd/pkg/ssa"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Where netops keeps its state in the cluster, and the label that ties an object to its target.
const (
	SystemNamespace = "netops-system"
	TargetLabel     = "netops.dev/target"
	inventoryPrefix = "netops-inventory-"
	inventoryKey    = "inventory"
	inventoryLabel  = "netops.dev/inventory"
	planLabel       = "netops.dev/plan" // on an inventory: the plan whose target it is
)

// ObjectRef names one object in a cluster.
type ObjectRef struct {
	Group, Version, Kind, Namespace, Name string
}

// String is Kind/namespace/name, or Kind/name for a cluster-scoped object.
func (r ObjectRef) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// ID is the object's identity across versions, as Flux writes it: namespace_name_group_kind.
func (r ObjectRef) ID() string { return r.meta().String() }

func (r ObjectRef) meta() object.ObjMetadata {
	return object.ObjMetadata{Namespace: r.Namespace, Name: r.Name, GroupKind: schema.GroupKind{Group: r.Group, Kind: r.Kind}}
}

// object is an empty object that r names, to read or delete it.
func (r ObjectRef) object() *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind})
	u.SetNamespace(r.Namespace)
	u.SetName(r.Name)
	return u
}

func refOf(u *unstructured.Unstructured) ObjectRef {
	gvk := u.GroupVersionKind()
	return ObjectRef{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind, Namespace: u.GetNamespace(), Name: u.GetName()}
}

func refOfEntry(e ssa.ChangeSetEntry) ObjectRef {
	m := e.ObjMetadata
	return ObjectRef{Group: m.GroupKind.Group, Version: e.GroupVersion, Kind: m.GroupKind.Kind, Namespace: m.Namespace, Name: m.Name}
}

func refsOf(objs []*unstructured.Unstructured) []ObjectRef {
	refs := make([]ObjectRef, len(objs))
	for i, o := range objs {
		refs[i] = refOf(o)
	}
	return refs
}

// union is every ref of a, then those of b whose ID a lacks, sorted by ID. A ref of b wins over one of a
// with the same ID, so that the newest version is kept.
func union(a, b []ObjectRef) []ObjectRef {
	byID := map[string]ObjectRef{}
	for _, r := range a {
		byID[r.ID()] = r
	}
	for _, r := range b {
		byID[r.ID()] = r
	}
	out := make([]ObjectRef, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y ObjectRef) int { return strings.Compare(x.ID(), y.ID()) })
	return out
}

// inventoryEntry is one object of an inventory, as Flux stores it: its ID and API version.
type inventoryEntry struct {
	ID      string `json:"id"`
	Version string `json:"v"`
}

// Inventory lists the objects that the target's inventory holds: what netops applied to it and has not
// pruned since. A target never applied has an empty inventory.
func Inventory(ctx context.Context, c client.Client, target string) ([]ObjectRef, error) {
	refs, _, err := inventory(ctx, c, target)
	return refs, err
}

// inventory is Inventory, and the plan that its ConfigMap is labelled with.
func inventory(ctx context.Context, c client.Client, target string) ([]ObjectRef, string, error) {
	cm := &corev1.ConfigMap{}
	err := c.Get(ctx, client.ObjectKey{Namespace: SystemNamespace, Name: inventoryName(target)}, cm)
	if apierrors.IsNotFound(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("target %s: reading the inventory ConfigMap/%s/%s: %w", target, SystemNamespace, inventoryName(target), err)
	}
	refs, err := decodeInventory(cm.Data[inventoryKey])
	if err != nil {
		return nil, "", fmt.Errorf("target %s: the inventory ConfigMap/%s/%s is corrupt: %w", target, SystemNamespace, inventoryName(target), err)
	}
	return refs, cm.Labels[planLabel], nil
}

// Orphans lists the targets of the plan (Options.Plan) that have an inventory in the cluster but are
// not in Options.Rendered: sites or clusters removed from the plan, whose objects only a prune of
// their own removes. Inventories of other plans, or written before inventories named their plan,
// are never listed.
func (a *Applier) Orphans(ctx context.Context) ([]string, error) {
	var rendered []string
	for _, t := range a.opts.Rendered {
		rendered = append(rendered, t.Name)
	}
	return Orphans(ctx, a.client, a.opts.Plan, rendered)
}

// Orphans lists the targets of plan whose inventory the cluster holds but that are not among
// rendered, as Applier.Orphans does.
func Orphans(ctx context.Context, c client.Client, plan string, rendered []string) ([]string, error) {
	if plan == "" {
		return nil, nil
	}
	list := &corev1.ConfigMapList{}
	if err := c.List(ctx, list, client.InNamespace(SystemNamespace), client.MatchingLabels{planLabel: plan}); err != nil {
		return nil, fmt.Errorf("listing the inventories in %s: %w", SystemNamespace, err)
	}
	var out []string
	for _, cm := range list.Items {
		if target := cm.Labels[inventoryLabel]; target != "" && !slices.Contains(rendered, target) {
			out = append(out, target)
		}
	}
	slices.Sort(out)
	return out, nil
}

// dropInventory deletes the inventory of a target that is gone and holds nothing any more.
func (a *Applier) dropInventory(ctx context.Context, target string) error {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: SystemNamespace, Name: inventoryName(target)}}
	if err := a.client.Delete(ctx, cm); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("target %s: deleting its empty inventory: %w", target, err)
	}
	return nil
}

func inventoryName(target string) string { return inventoryPrefix + target }

func decodeInventory(data string) ([]ObjectRef, error) {
	if data == "" {
		return nil, nil
	}
	var entries []inventoryEntry
	if err := json.Unmarshal([]byte(data), &entries); err != nil {
		return nil, err
	}
	refs := make([]ObjectRef, len(entries))
	for i, e := range entries {
		m, err := object.ParseObjMetadata(e.ID)
		if err != nil {
			return nil, err
		}
		refs[i] = ObjectRef{Group: m.GroupKind.Group, Version: e.Version, Kind: m.GroupKind.Kind, Namespace: m.Namespace, Name: m.Name}
	}
	return refs, nil
}

func encodeInventory(refs []ObjectRef) (string, error) {
	entries := make([]inventoryEntry, len(refs))
	for i, r := range refs {
		entries[i] = inventoryEntry{ID: r.ID(), Version: r.Version}
	}
	b, err := json.MarshalIndent(entries, "", " ")
	return string(b), err
}

// record writes next as the target's inventory, unless it holds the same as current.
func (a *Applier) record(ctx context.Context, target string, current, next []ObjectRef) error {
	data, err := encodeInventory(next)
	if err != nil {
		return err
	}
	if was, _ := encodeInventory(union(nil, current)); was == data {
		return nil
	}
	cm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata": map[string]any{
			"name":      inventoryName(target),
			"namespace": SystemNamespace,
			"labels":    a.inventoryLabels(target),
		},
		"data": map[string]any{inventoryKey: data},
	}}
	if err := a.ssaPatch(ctx, cm); err != nil {
		return fmt.Errorf("target %s: writing the inventory: %w", target, err)
	}
	return nil
}

func (a *Applier) inventoryLabels(target string) map[string]any {
	labels := map[string]any{inventoryLabel: target, "app.kubernetes.io/managed-by": "netops"}
	if a.opts.Plan != "" {
		labels[planLabel] = a.opts.Plan
	}
	return labels
}

// ssaPatch server-side applies obj as the field manager, taking over any conflicting field.
func (a *Applier) ssaPatch(ctx context.Context, obj *unstructured.Unstructured) error {
	return a.client.Patch(ctx, obj, client.Apply, client.ForceOwnership, client.FieldOwner(a.opts.FieldManager))
}

// Stale lists the objects that apply with Prune would delete: those in the target's inventory that t
// no longer renders, that still exist and that still carry the target's label, less those that
// claims give to another target of the render (see Options.Rendered); nil claims give none.
func Stale(ctx context.Context, c client.Client, t Target, claims Claims) ([]ObjectRef, error) {
	inv, err := Inventory(ctx, c, t.Name)
	if err != nil {
		return nil, err
	}
	refs, err := stale(ctx, c, t.Name, inv, refsOf(t.Objects))
	refs, _ = unclaimed(claims, t.Name, refs)
	return refs, err
}

func stale(ctx context.Context, c client.Client, target string, inv, desired []ObjectRef) ([]ObjectRef, error) {
	want := map[string]bool{}
	for _, r := range desired {
		want[r.ID()] = true
	}
	var out []ObjectRef
	for _, r := range inv {
		if want[r.ID()] {
			continue
		}
		r, owned, err := ownedBy(ctx, c, r, target)
		if err != nil {
			return nil, err
		}
		if owned {
			out = append(out, r)
		}
	}
	return out, nil
}

// ownedBy says whether the object r names exists and carries target's label: an object that another
// target has taken over since is no longer this target's to delete.
// ownedBy reports whether the object exists and carries the target's label. An object recorded at an
// API version the cluster no longer serves is looked up at the version it serves now, which the
// returned ref names, so that a prune can still delete it.
func ownedBy(ctx context.Context, c client.Client, r ObjectRef, target string) (ObjectRef, bool, error) {
	u := r.object()
	err := c.Get(ctx, client.ObjectKeyFromObject(u), u)
	if meta.IsNoMatchError(err) {
		if v := servedVersion(c, r); v != "" && v != r.Version {
			r.Version = v
			return ownedBy(ctx, c, r, target)
		}
	}
	switch {
	case apierrors.IsNotFound(err), meta.IsNoMatchError(err):
		return r, false, nil
	case err != nil:
		return r, false, &ObjectError{Object: r, Op: "get", Err: err}
	}
	return r, u.GetLabels()[TargetLabel] == target, nil
}

// servedVersion is the version of the ref's group and kind that the cluster prefers, or "" for none.
func servedVersion(c client.Client, r ObjectRef) string {
	m, err := c.RESTMapper().RESTMapping(schema.GroupKind{Group: r.Group, Kind: r.Kind})
	if err != nil {
		return ""
	}
	return m.GroupVersionKind.Version
}

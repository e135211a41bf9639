package apply

import (
	"context"
	"errors"
	"sort"

	"github.com/fluxcd/pkg/ssa"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// planPrune returns what a prune of the target would delete, or a *PruneError when the guard refuses.
// Without Prune it returns nothing.
func (a *Applier) planPrune(ctx context.Context, target string, inv, want []ObjectRef) ([]ObjectRef, error) {
	if !a.opts.Prune {
		return nil, nil
	}
	if len(want) == 0 && len(inv) > 0 && !a.opts.AllowMassPrune {
		return nil, &PruneError{Target: target, Inventory: len(inv), MaxShare: a.opts.MaxPruneShare, Empty: true}
	}
	stale, err := stale(ctx, a.client, target, inv, want)
	if err != nil {
		return nil, err
	}
	stale = a.unclaimed(target, stale)
	if a.opts.AllowMassPrune || float64(len(stale)) <= a.opts.MaxPruneShare*float64(len(inv)) {
		return stale, nil
	}
	return nil, &PruneError{Target: target, Inventory: len(inv), Stale: len(stale), MaxShare: a.opts.MaxPruneShare}
}

// Claims maps each object of a render, by ObjectRef.ID, to the target that renders it.
type Claims map[string]string

// ClaimsOf is who renders what among the targets.
func ClaimsOf(ts []Target) Claims {
	out := Claims{}
	for _, t := range ts {
		for _, o := range t.Objects {
			if o != nil {
				out[refOf(o).ID()] = t.Name
			}
		}
	}
	return out
}

// unclaimed leaves out of stale the objects that another target of the render holds: they are moving
// there, and deleting them before that target applies would take them away for a while, or for good
// if it applied first and the delete came after.
func (a *Applier) unclaimed(target string, stale []ObjectRef) []ObjectRef {
	out, moving := unclaimed(a.claims, target, stale)
	for _, r := range moving {
		a.logf(target, "leaving %s, which target %s renders now", r, a.claims[r.ID()])
	}
	return out
}

// unclaimed splits refs into those no other target than target claims, and those moving to one.
func unclaimed(claims Claims, target string, refs []ObjectRef) (out, moving []ObjectRef) {
	for _, r := range refs {
		if owner, ok := claims[r.ID()]; ok && owner != target {
			moving = append(moving, r)
			continue
		}
		out = append(out, r)
	}
	return out, moving
}

// prune deletes the stale objects, namespaces last, skipping any that no longer carry the target's label.
// It returns those it could not delete, so that the inventory keeps them.
func (a *Applier) prune(ctx context.Context, target string, stale []ObjectRef, res *Result) ([]ObjectRef, error) {
	if len(stale) == 0 {
		return nil, nil
	}
	a.logf(target, "pruning %d objects", len(stale))
	objs := make([]*unstructured.Unstructured, len(stale))
	for i, r := range stale {
		objs[i] = r.object()
	}
	sort.Sort(sort.Reverse(ssa.SortableUnstructureds(objs)))
	opts := ssa.DeleteOptions{PropagationPolicy: metav1.DeletePropagationBackground, Inclusions: map[string]string{TargetLabel: target}}
	var kept []ObjectRef
	var errs []error
	for _, o := range objs {
		e, err := a.manager.Delete(ctx, o, opts)
		if err != nil {
			kept = append(kept, refOf(o))
			errs = append(errs, &ObjectError{Object: refOf(o), Op: "delete", Err: unwrapped(err)})
			continue
		}
		res.add(a.entry(target, *e))
	}
	return kept, errors.Join(errs...)
}

// unwrapped is the cause of an error that ssa wrapped with the object's name, which ObjectError gives.
func unwrapped(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

package apply

import (
	"context"
	"errors"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// checkConflicts dry-runs without forcing ownership, since ssa always forces it, every object that
// another field manager has a hand in, and returns a *ConflictError for each object with fields that
// another manager owns. Other dry-run failures are left to the apply, which runs in stages and so can
// apply a CR after its CRD.
func (a *Applier) checkConflicts(ctx context.Context, objs []*unstructured.Unstructured, s survey) error {
	suspects := slices.DeleteFunc(slices.Clone(objs), func(o *unstructured.Unstructured) bool { return !s.suspect(o) })
	errs := make([]error, len(suspects))
	var g errgroup.Group
	g.SetLimit(objectConcurrency)
	for i, o := range suspects {
		g.Go(func() error {
			errs[i] = a.conflicts(ctx, o)
			return nil
		})
	}
	_ = g.Wait()
	return errors.Join(errs...)
}

func (a *Applier) conflicts(ctx context.Context, obj *unstructured.Unstructured) error {
	err := a.client.Patch(ctx, obj.DeepCopy(), client.Apply, client.DryRunAll, client.FieldOwner(a.opts.FieldManager))
	if !apierrors.IsConflict(err) {
		return nil
	}
	return conflictError(refOf(obj), err)
}

// conflictError reads the managers and fields of a conflict from the causes the API server gives.
func conflictError(ref ObjectRef, err error) *ConflictError {
	e := &ConflictError{Object: ref, Err: err}
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return e
	}
	for _, c := range status.Status().Details.Causes {
		if c.Type != metav1.CauseTypeFieldManagerConflict {
			continue
		}
		e.Fields = append(e.Fields, c.Field)
		if m := managerOf(c.Message); m != "" && !slices.Contains(e.Managers, m) {
			e.Managers = append(e.Managers, m)
		}
	}
	return e
}

// managerOf reads the manager from a cause such as `conflict with "kubectl-edit" using v1`.
func managerOf(msg string) string {
	_, rest, ok := strings.Cut(msg, `"`)
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, `"`)
	return name
}

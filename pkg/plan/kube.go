package plan

import (
	"context"
	"errors"

	"github.com/fluxcd/pkg/ssa"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// StaleFunc lists the objects of a target's inventory that its render no longer holds.
type StaleFunc func(ctx context.Context, target string, objects []*unstructured.Unstructured) ([]*unstructured.Unstructured, error)

// KubeCluster is a Cluster behind a Kubernetes API server, dry-run through server-side apply with the
// field manager netops applies with.
type KubeCluster struct {
	manager *ssa.ResourceManager
	stale   StaleFunc
}

var _ Cluster = (*KubeCluster)(nil)

// NewKubeCluster dry-runs through c as fieldManager; stale lists what a prune would delete.
func NewKubeCluster(c client.Client, fieldManager string, stale StaleFunc) *KubeCluster {
	m := ssa.NewResourceManager(c, nil, ssa.Owner{Field: fieldManager, Group: "netops.dev"})
	m.SetConcurrency(8)
	return &KubeCluster{manager: m, stale: stale}
}

// DryRun implements Cluster.
func (k *KubeCluster) DryRun(ctx context.Context, o *unstructured.Unstructured) (live, merged *unstructured.Unstructured, err error) {
	entry, live, merged, err := k.manager.Diff(ctx, o.DeepCopy(), ssa.DefaultDiffOptions())
	switch {
	case err != nil && notYetServed(err):
		return nil, nil, &NotServedError{NoKind: meta.IsNoMatchError(err), Err: err}
	case err != nil:
		return nil, nil, err
	case entry.Action == ssa.CreatedAction:
		return nil, o, nil
	case entry.Action == ssa.ConfiguredAction:
		return live, merged, nil
	}
	return nil, nil, nil
}

// NotServedError is a dry-run that failed because the cluster does not serve the object's kind
// (NoKind) or lacks its namespace. On a first plan that is what the render itself brings: see Served.
type NotServedError struct {
	NoKind bool
	Err    error
}

func (e *NotServedError) Error() string { return e.Err.Error() }
func (e *NotServedError) Unwrap() error { return e.Err }

// notYetServed reports whether a dry-run failed because the object's kind or namespace is missing.
func notYetServed(err error) bool {
	return meta.IsNoMatchError(err) || apierrors.IsNotFound(errors.Unwrap(err)) || apierrors.IsNotFound(err)
}

// Stale implements Cluster.
func (k *KubeCluster) Stale(ctx context.Context, target string, objects []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	if k.stale == nil {
		return nil, nil
	}
	return k.stale(ctx, target, objects)
}

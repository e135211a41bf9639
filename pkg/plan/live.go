package plan

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Cluster is what a live plan needs of a cluster.
type Cluster interface {
	// DryRun applies an object server-side without persisting it, and returns the object as it is and
	// as it would be. live is nil when the object does not exist yet; both are nil when nothing would
	// change.
	DryRun(ctx context.Context, o *unstructured.Unstructured) (live, merged *unstructured.Unstructured, err error)
	// Stale lists the objects of a target's inventory that its render no longer holds.
	Stale(ctx context.Context, target string, objects []*unstructured.Unstructured) ([]*unstructured.Unstructured, error)
}

// Served is what a render brings that a cluster may not serve before it is applied: the kinds of its
// CustomResourceDefinitions and its namespaces.
type Served struct {
	kinds      map[schema.GroupKind]bool
	namespaces map[string]bool
}

// ServedBy is what the objects bring: pass every target of the render on the cluster, so that a
// site's objects may use a CRD or namespace that the cluster's shared target renders.
func ServedBy(targets Targets) Served {
	s := Served{kinds: map[schema.GroupKind]bool{}, namespaces: map[string]bool{}}
	for _, objects := range targets {
		for _, o := range objects {
			switch o.GroupVersionKind().GroupKind() {
			case schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:
				group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
				kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
				s.kinds[schema.GroupKind{Group: group, Kind: kind}] = true
			case schema.GroupKind{Kind: "Namespace"}:
				s.namespaces[o.GetName()] = true
			}
		}
	}
	return s
}

// lacks says why the cluster will not take o once the render is applied, or "" when the render brings
// what the dry-run missed.
func (s Served) lacks(o *unstructured.Unstructured, e *NotServedError) string {
	gk := o.GroupVersionKind().GroupKind()
	switch {
	case e.NoKind && !s.kinds[gk]:
		return fmt.Sprintf("the cluster serves no kind %s in group %q, and no target renders a CustomResourceDefinition for it; check apiVersion and kind", gk.Kind, gk.Group)
	case !e.NoKind && o.GetNamespace() != "" && !s.namespaces[o.GetNamespace()]:
		return fmt.Sprintf("namespace %s does not exist, and no target renders it; add it to a tenant's namespaces, or create it", o.GetNamespace())
	}
	return ""
}

// Live compares each target's render with the cluster: a server-side dry-run of every object, and the
// objects a prune would delete. served is what the whole render brings, for the objects whose kind or
// namespace the cluster lacks until it is applied.
func Live(ctx context.Context, c Cluster, after Targets, served Served) (*Plan, error) {
	p := &Plan{Mode: "live"}
	for _, t := range targetNames(after) {
		p.Targets = append(p.Targets, t)
		outcomes, err := liveTarget(ctx, c, t, after[t], served)
		if err != nil {
			return nil, err
		}
		p.add(outcomes)
	}
	p.finish()
	return p, nil
}

// dryRuns bounds the dry-runs of one target that are in flight at once.
const dryRuns = 8

func liveTarget(ctx context.Context, c Cluster, target string, objects []*unstructured.Unstructured, served Served) ([]outcome, error) {
	out := make([]outcome, len(objects))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(dryRuns)
	for i, o := range objects {
		g.Go(func() (err error) {
			out[i], err = liveObject(gctx, c, target, o, served)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	stale, err := c.Stale(ctx, target, objects)
	if err != nil {
		return nil, fmt.Errorf("listing what %s would prune: %w", target, err)
	}
	for _, o := range stale {
		out = append(out, change(target, o, nil))
	}
	return out, nil
}

func liveObject(ctx context.Context, c Cluster, target string, o *unstructured.Unstructured, served Served) (outcome, error) {
	live, merged, err := c.DryRun(ctx, o)
	var notServed *NotServedError
	switch {
	case errors.As(err, &notServed) && served.lacks(o, notServed) != "":
		return outcome{}, fmt.Errorf("%s: %s: %s", target, RefOf(o), served.lacks(o, notServed))
	case notServed != nil:
		return change(target, nil, o), nil // it comes with the render
	case err != nil:
		return outcome{}, fmt.Errorf("%s: dry-run of %s failed: %w", target, RefOf(o), err)
	case live == nil && merged == nil:
		return change(target, o, o), nil
	case live == nil:
		return change(target, nil, o), nil
	}
	keepSource(merged, o)
	return change(target, live, merged), nil
}

// keepSource copies the rendered object's source annotation onto the dry-run result, so that a change
// names the plan entity behind it even where the server's copy lacks it.
func keepSource(merged, rendered *unstructured.Unstructured) {
	src := rendered.GetAnnotations()[SourceAnnotation]
	if src == "" {
		return
	}
	a := merged.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[SourceAnnotation] = src
	merged.SetAnnotations(a)
}

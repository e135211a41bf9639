package plan

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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

// Live compares each target's render with the cluster: a server-side dry-run of every object, and the
// objects a prune would delete.
func Live(ctx context.Context, c Cluster, after Targets) (*Plan, error) {
	p := &Plan{Mode: "live"}
	for _, t := range targetNames(after) {
		p.Targets = append(p.Targets, t)
		outcomes, err := liveTarget(ctx, c, t, after[t])
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

func liveTarget(ctx context.Context, c Cluster, target string, objects []*unstructured.Unstructured) ([]outcome, error) {
	out := make([]outcome, len(objects))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(dryRuns)
	for i, o := range objects {
		g.Go(func() (err error) {
			out[i], err = liveObject(gctx, c, target, o)
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

func liveObject(ctx context.Context, c Cluster, target string, o *unstructured.Unstructured) (outcome, error) {
	live, merged, err := c.DryRun(ctx, o)
	switch {
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

package plan_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/plan"
)

// emptyCluster is a cluster with nothing applied yet: it serves no custom kind and has no namespace
// but default, as a dry-run on a fresh cluster finds.
type emptyCluster struct{}

func (emptyCluster) DryRun(_ context.Context, o *unstructured.Unstructured) (live, merged *unstructured.Unstructured, err error) {
	switch {
	case o.GetAPIVersion() != "v1" && !strings.HasPrefix(o.GetAPIVersion(), "apiextensions.k8s.io/"):
		return nil, nil, &plan.NotServedError{NoKind: true, Err: errors.New("no matches for kind " + o.GetKind())}
	case o.GetNamespace() != "" && o.GetNamespace() != "default":
		return nil, nil, &plan.NotServedError{Err: errors.New("namespaces " + o.GetNamespace() + " not found")}
	}
	return nil, o, nil
}

func (emptyCluster) Stale(context.Context, string, []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	return nil, nil
}

const (
	poolCRD = `{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: ipaddresspools.metallb.io}, spec: {group: metallb.io, names: {kind: IPAddressPool}}}`
	mlbNS   = `{apiVersion: v1, kind: Namespace, metadata: {name: metallb-system}}`
	typo    = `{apiVersion: metallb.io/v1beta1, kind: IPAdressPool, metadata: {name: lan-pool, namespace: metallb-system}}`
	orphan  = `{apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: nowhere}}`
)

// TestLiveFirstPlan plans an empty cluster: an object whose CRD or namespace another target of the
// render brings is to be created; one whose kind or namespace nothing brings is an error that says so.
func TestLiveFirstPlan(t *testing.T) {
	shared := objects(t, poolCRD, mlbNS)
	site := plan.Targets{"home": objects(t, poolV1)}
	served := plan.ServedBy(plan.Targets{"homelab": shared, "home": site["home"]})

	p, err := plan.Live(context.Background(), emptyCluster{}, site, served)
	if err != nil {
		t.Fatalf("a site whose CRD and namespace the cluster's target renders: %v", err)
	}
	if p.Counts.Create != 1 {
		t.Errorf("creates: %d, want 1", p.Counts.Create)
	}
	for doc, want := range map[string]string{
		typo:   "the cluster serves no kind IPAdressPool in group \"metallb.io\", and no target renders a CustomResourceDefinition for it; check apiVersion and kind",
		orphan: "namespace nowhere does not exist, and no target renders it",
	} {
		_, err := plan.Live(context.Background(), emptyCluster{}, plan.Targets{"home": objects(t, doc)}, served)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("plan of %s: %v; want an error saying %q", doc, err, want)
		}
	}
}

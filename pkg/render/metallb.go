package render

import (
	"context"
	"fmt"

	"helm.sh/helm/v3/pkg/chartutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
)

// MetalLB's API, and the namespace it runs in.
const (
	metallbAPI       = "metallb.io/v1beta1"
	metallbNamespace = "metallb-system"
)

// metallb renders the MetalLB install: its CRDs, controller and speaker in native L2 mode.
func (r *renderer) metallb(_ context.Context, t *Target, _ *network.Cluster) error {
	comp := r.plan.Components.MetalLB
	values, err := metallbValues(comp)
	if err != nil {
		return &ComponentError{Component: "metallb", Pos: r.componentPos(comp), Err: err}
	}
	crds, err := r.crds("metallb", comp)
	if err != nil {
		return err
	}
	objs, err := r.release("metallb", comp, release{name: "metallb", namespace: metallbNamespace, values: values})
	if err != nil {
		return err
	}
	t.add(r.componentPos(comp), append(crds, objs...)...)
	return nil
}

// metallbValues are the chart values netops sets, with the value keys of the upstream chart.
func metallbValues(comp network.Component) (map[string]any, error) {
	if err := componentImages(comp.Images, "controller", "speaker"); err != nil {
		return nil, err
	}
	if err := checkMetalLBVersion(comp.Version); err != nil {
		return nil, err
	}
	return map[string]any{
		"controller": map[string]any{"image": repoImage(comp, "controller", "quay.io/metallb/controller")},
		"speaker": map[string]any{
			"image": repoImage(comp, "speaker", "quay.io/metallb/speaker"),
			"frr":   map[string]any{"enabled": false},
		},
		"frrk8s": map[string]any{"enabled": false},
		"crds":   map[string]any{"enabled": true},
	}, nil
}

func checkMetalLBVersion(v string) error {
	if v == "" {
		return nil
	}
	sv, err := parseVersion(v)
	if err != nil {
		return err
	}
	if sv.Major() == 0 && sv.Minor() < 13 {
		return fmt.Errorf("MetalLB %s reads its pools from a ConfigMap; netops renders the CRDs of v0.13 and later", v)
	}
	return nil
}

// repoImage is the image: value of a chart that joins repository and tag as repository:tag.
func repoImage(comp network.Component, key, repository string) map[string]any {
	im := image{repository: repository}
	if ref, ok := comp.Images[key]; ok {
		im = parseImage(ref)
	}
	v := map[string]any{"repository": im.name()}
	if tag := im.tagOrDigest(comp.Version); tag != "" {
		v["tag"] = tag
	}
	return v
}

// pools renders an IPAddressPool for each of the site's pools.
func (r *renderer) pools(t *Target, s *network.Site) {
	for _, n := range r.idx.pools[s.Name] {
		if n.Prefix != n.Prefix.Masked() {
			t.warn(n.Pos, "pool %s has host bits set in %s; MetalLB reads it as %s", n.Name, n.Prefix, n.Prefix.Masked())
		}
		t.add(n.Pos, ipAddressPool(n, r.poolNamespaces(n.Pool)))
	}
}

func ipAddressPool(n *network.Network, namespaces []string) *unstructured.Unstructured {
	spec := map[string]any{
		"addresses":     []any{n.Prefix.String()},
		"avoidBuggyIPs": n.Pool.AvoidBuggyIPs,
	}
	if n.Pool.AutoAssign != nil {
		spec["autoAssign"] = *n.Pool.AutoAssign
	}
	if len(namespaces) > 0 {
		spec["serviceAllocation"] = map[string]any{"namespaces": list(namespaces)}
	}
	return newObject(metallbAPI, "IPAddressPool", metallbNamespace, n.Name, spec)
}

// poolNamespaces lists the namespaces a restricted pool serves: its tenants' and its own; none for a
// pool open to all.
func (r *renderer) poolNamespaces(p *network.Pool) []string {
	lists := [][]string{p.Namespaces}
	for _, name := range p.Tenants {
		if tn := r.idx.tenants[name]; tn != nil {
			lists = append(lists, tn.Namespaces)
		}
	}
	return sortedSet(lists...)
}

// advertisements renders the site's L2Advertisement, and a BGPAdvertisement for pools in BGP mode,
// announcing the site's pools from the site's nodes only.
func (r *renderer) advertisements(t *Target, s *network.Site) {
	byMode := map[network.PoolMode][]string{}
	for _, n := range r.idx.pools[s.Name] {
		byMode[n.Pool.Mode] = append(byMode[n.Pool.Mode], n.Name)
	}
	if len(byMode) > 0 && len(s.NodeSelector) == 0 {
		t.warn(s.Pos, "site %s has no nodeSelector, so every node of the cluster announces its pools", s.Name)
	}
	if pools := byMode[network.ModeL2]; len(pools) > 0 {
		t.add(s.Pos, advertisement("L2Advertisement", s, pools))
	}
	if pools := byMode[network.ModeBGP]; len(pools) > 0 {
		t.warn(s.Pos, "pools %v use BGP mode; the plan declares no BGP peers, so add BGPPeer objects in overlays/%s/", pools, s.Name)
		t.add(s.Pos, advertisement("BGPAdvertisement", s, pools))
	}
}

func advertisement(kind string, s *network.Site, pools []string) *unstructured.Unstructured {
	spec := map[string]any{"ipAddressPools": list(pools)}
	if len(s.NodeSelector) > 0 {
		spec["nodeSelectors"] = []any{map[string]any{"matchLabels": stringMap(s.NodeSelector)}}
	}
	return newObject(metallbAPI, kind, metallbNamespace, s.Name, spec)
}

// crds renders the CRDs of a component's chart.
func (r *renderer) crds(name string, comp network.Component) ([]*unstructured.Unstructured, error) {
	lc, err := r.charts.get(name, comp)
	if err != nil {
		return nil, err
	}
	objs := make([]*unstructured.Unstructured, len(lc.crds))
	for i, o := range lc.crds {
		objs[i] = o.DeepCopy()
	}
	return objs, nil
}

// release renders one release of a component's chart. The values netops derives from the plan win
// over the component's values: from the repo, which in turn win over the chart's defaults.
func (r *renderer) release(name string, comp network.Component, rel release) ([]*unstructured.Unstructured, error) {
	lc, err := r.charts.get(name, comp)
	if err != nil {
		return nil, err
	}
	rel.values, err = mergeValues(rel.values, comp.Values)
	if err == nil {
		var objs []*unstructured.Unstructured
		if objs, err = renderChart(lc, rel); err == nil {
			return objs, nil
		}
	}
	return nil, &ComponentError{Component: name, Pos: r.componentPos(comp), Err: fmt.Errorf("release %s: %w", rel.name, err)}
}

// mergeValues merges over into under, each copied first so that neither changes.
func mergeValues(over, under map[string]any) (map[string]any, error) {
	o, err := chartValues(over)
	if err != nil {
		return nil, err
	}
	u, err := chartValues(under)
	if err != nil {
		return nil, err
	}
	return chartutil.CoalesceTables(o, u), nil
}

package render

import (
	"context"
	"errors"
	"strconv"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/resid"

	"github.com/netops/netops/manifests"
	"github.com/netops/netops/pkg/network"
)

// weaveOverhead is what Weave Net takes off the link MTU: its default MTU, 1376, on a 1500-byte link.
const weaveOverhead = 1500 - 1376

// The images of netops's Weave Net base, from the maintained multi-arch fork of the archived upstream.
const (
	weaveKube = "rajch/weave-kube"
	weaveNPC  = "rajch/weave-npc"
)

// weave renders Weave Net from netops's Kustomize base, with a patch that carries the plan's settings.
func (r *renderer) weave(_ context.Context, t *Target, c *network.Cluster) error {
	comp := r.plan.Components.Weave
	pos := r.weavePos(c)
	fail := func(err error) error { return &ComponentError{Component: "weave", Pos: pos, Err: err} }
	if comp.Chart != nil {
		return fail(errors.New("Weave Net renders from netops's Kustomize base: set images: or add an overlay instead of chart:"))
	}
	if err := componentImages(comp.Images, "weave-kube", "weave-npc"); err != nil {
		return fail(err)
	}
	mem, err := r.weaveKustomization(c)
	if err != nil {
		return fail(err)
	}
	objs, err := kustomize(mem, "/weave")
	if err != nil {
		return fail(err)
	}
	if c.Weave.PasswordSecret.Name == "" {
		t.warn(pos, "Weave Net between the nodes is not encrypted: set weave.passwordSecret to a Secret's name and key")
	}
	_, from := r.weaveMTU(c)
	for _, o := range objs {
		if o.GetKind() == "DaemonSet" && o.GetName() == "weave-net" {
			a := o.GetAnnotations()
			if a == nil {
				a = map[string]string{}
			}
			a[AnnotationWeaveMTU] = from
			o.SetAnnotations(a)
		}
	}
	t.add(pos, objs...)
	return nil
}

// AnnotationWeaveMTU on the weave-net DaemonSet says where its MTU comes from, for the plan's summary.
const AnnotationWeaveMTU = "netops.dev/weave-mtu-from"

// weaveKustomization writes the base, and a kustomization over it with the plan's images and settings.
func (r *renderer) weaveKustomization(c *network.Cluster) (filesys.FileSystem, error) {
	mem := filesys.MakeFsInMemory()
	if err := copyDir(manifests.FS, "bases/weave", mem, "/weave/base"); err != nil {
		return nil, err
	}
	comp := r.plan.Components.Weave
	k := types.Kustomization{
		TypeMeta:  types.TypeMeta{APIVersion: types.KustomizationVersion, Kind: types.KustomizationKind},
		Resources: []string{"base"},
		Images: []types.Image{
			weaveImage(weaveKube, comp.Version, c.Weave.Image, comp.Images["weave-kube"]),
			weaveImage(weaveNPC, comp.Version, c.Weave.NPCImage, comp.Images["weave-npc"]),
		},
		Patches: []types.Patch{{Path: "settings.yaml", Target: &types.Selector{
			ResId: resid.NewResIdWithNamespace(resid.NewGvk("apps", "v1", "DaemonSet"), "weave-net", "kube-system"),
		}}},
	}
	if err := writeYAML(mem, "/weave/kustomization.yaml", k); err != nil {
		return nil, err
	}
	return mem, writeYAML(mem, "/weave/settings.yaml", r.weaveSettings(c))
}

// weaveSettings is a JSON patch that puts the plan's settings first in the weave container's environment.
// It is a JSON patch rather than a strategic merge one, which would have kustomize load its whole
// built-in OpenAPI schema, a third of a cold render. Its first operation makes sure that the
// container it adds to is weave's.
func (r *renderer) weaveSettings(c *network.Cluster) []any {
	const container = "/spec/template/spec/containers/0"
	mtu, _ := r.weaveMTU(c)
	env := []any{
		map[string]any{"name": "IPALLOC_RANGE", "value": c.Weave.IPAllocRange.String()},
		map[string]any{"name": "WEAVE_MTU", "value": strconv.Itoa(mtu)},
		// Keep a LoadBalancer client's address for a Service with externalTrafficPolicy Local, which
		// the LAN services' policies filter on. Weave 2.7 and later default to it; say it anyway.
		map[string]any{"name": "NO_MASQ_LOCAL", "value": "1"},
	}
	if ref := c.Weave.PasswordSecret; ref.Name != "" {
		env = append(env, map[string]any{"name": "WEAVE_PASSWORD", "valueFrom": map[string]any{
			"secretKeyRef": map[string]any{"name": ref.Name, "key": ref.Key},
		}})
	}
	ops := []any{map[string]any{"op": "test", "path": container + "/name", "value": "weave"}}
	for i, e := range env {
		ops = append(ops, map[string]any{"op": "add", "path": container + "/env/" + strconv.Itoa(i), "value": e})
	}
	return ops
}

// weaveImage replaces one of the base's images by the first override that is set, else by the base's
// image at the component's version.
func weaveImage(name, version string, overrides ...string) types.Image {
	for _, ref := range overrides {
		if ref != "" {
			im := parseImage(ref)
			return types.Image{Name: name, NewName: im.name(), NewTag: im.tag, Digest: im.digest}
		}
	}
	return types.Image{Name: name, NewTag: version}
}

// weaveMTU is the cluster's Weave MTU, or one that fits the smallest link of its sites, a VPN's own
// MTU included; from says where it comes from, with the file:line.
func (r *renderer) weaveMTU(c *network.Cluster) (mtu int, from string) {
	if c.Weave.MTU > 0 {
		return c.Weave.MTU, "weave.mtu at " + source(r.weavePos(c))
	}
	smallest, from := 1500, "the default link MTU, 1500"
	for _, s := range r.idx.siteList[c.Name] {
		if m := r.linkMTU(s); m < smallest {
			smallest, from = m, "site "+s.Name+"'s link at "+source(linkPos(s))
		}
	}
	return smallest - weaveOverhead, from
}

func (r *renderer) linkMTU(s *network.Site) int {
	mtu := s.Link.MTU
	if mtu == 0 {
		mtu = 1500
	}
	if v := r.idx.vpns[s.Link.VPN]; s.Link.Type == network.LinkVPN && v != nil && v.MTU > 0 {
		mtu = min(mtu, v.MTU)
	}
	return mtu
}

// weavePos is where the plan sets Weave Net: the cluster's weave: block, or the cluster.
func (r *renderer) weavePos(c *network.Cluster) network.Pos {
	if c.Weave.Pos.File != "" {
		return c.Weave.Pos
	}
	return c.Pos
}

// linkPos is where a site's link is written, or the site when it has no link: block.
func linkPos(s *network.Site) network.Pos {
	if s.Link.Pos.File != "" {
		return s.Link.Pos
	}
	return s.Pos
}

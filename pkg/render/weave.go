package render

import (
	"context"
	"errors"
	"strconv"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"

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
	t.add(pos, objs...)
	return nil
}

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
		Patches: []types.Patch{{Path: "settings.yaml"}},
	}
	if err := writeYAML(mem, "/weave/kustomization.yaml", k); err != nil {
		return nil, err
	}
	return mem, writeYAML(mem, "/weave/settings.yaml", r.weaveSettings(c))
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

// weaveSettings is a strategic merge patch of the weave container's environment.
func (r *renderer) weaveSettings(c *network.Cluster) map[string]any {
	env := []any{
		map[string]any{"name": "IPALLOC_RANGE", "value": c.Weave.IPAllocRange.String()},
		map[string]any{"name": "WEAVE_MTU", "value": strconv.Itoa(r.weaveMTU(c))},
	}
	if ref := c.Weave.PasswordSecret; ref.Name != "" {
		env = append(env, map[string]any{"name": "WEAVE_PASSWORD", "valueFrom": map[string]any{
			"secretKeyRef": map[string]any{"name": ref.Name, "key": ref.Key},
		}})
	}
	container := map[string]any{"name": "weave", "env": env}
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": map[string]any{"name": "weave-net", "namespace": "kube-system"},
		"spec":     map[string]any{"template": map[string]any{"spec": map[string]any{"containers": []any{container}}}},
	}
}

// weaveMTU is the cluster's Weave MTU, or one that fits the smallest link of its sites, a VPN's own
// MTU included.
func (r *renderer) weaveMTU(c *network.Cluster) int {
	if c.Weave.MTU > 0 {
		return c.Weave.MTU
	}
	smallest := 1500
	for _, s := range r.idx.siteList[c.Name] {
		smallest = min(smallest, r.linkMTU(s))
	}
	return smallest - weaveOverhead
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

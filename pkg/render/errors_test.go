package render_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/render"
)

// TestErrors checks that a plan rendering cannot use stops with a typed error naming the entity.
func TestErrors(t *testing.T) {
	cases := []struct {
		name   string
		change func(*network.Plan)
		as     any    // a pointer to the error type wanted
		where  string // the position the error names
		says   string
	}{
		{"Traefik 4", func(p *network.Plan) { p.Components.Traefik.Version = "v4.0.0" },
			new(*render.ComponentError), "netops.yaml:13", "netops renders Traefik 3.x"},
		{"Traefik before traefik.io", func(p *network.Plan) { p.Components.Traefik.Version = "v2.9.10" },
			new(*render.ComponentError), "netops.yaml:13", "traefik.containo.us"},
		{"Traefik bad version", func(p *network.Plan) { p.Components.Traefik.Version = "three" },
			new(*render.ComponentError), "netops.yaml:13", `version "three"`},
		{"MetalLB ConfigMap era", func(p *network.Plan) { p.Components.MetalLB.Version = "v0.12.1" },
			new(*render.ComponentError), "netops.yaml:10", "v0.13 and later"},
		{"unknown image", func(p *network.Plan) {
			p.Components.MetalLB.Images = map[string]string{"frr": "quay.io/frrouting/frr:10"}
		},
			new(*render.ComponentError), "netops.yaml:10", `unknown image "frr"`},
		{"Weave from a chart", func(p *network.Plan) { p.Components.Weave.Chart = &network.Chart{Path: "charts/weave"} },
			new(*render.ComponentError), "cluster.yaml", "Kustomize base"},
		{"a DaemonSet from the built-in chart", func(p *network.Plan) {
			p.Components.Traefik.Values = map[string]any{"deployment": map[string]any{"kind": "DaemonSet"}}
		}, new(*render.ComponentError), "netops.yaml:13", "runs a Deployment only"},
		{"site named as the cluster", func(p *network.Plan) { p.Sites[0].Name = "homelab" },
			new(*render.Error), "sites/cabin.yaml:4", "name of a cluster"},
		{"entrypoint without a class", func(p *network.Plan) { p.Services[0].IngressClass = "" },
			new(*render.Error), "services.yaml:4", "names no ingressClass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := loadExample(t)
			c.change(p)
			_, err := render.Render(context.Background(), p)
			if err == nil || !errors.As(err, c.as) {
				t.Fatalf("got %v, want a %T", err, c.as)
			}
			if !strings.HasPrefix(err.Error(), c.where) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %q, want it at %s to say %q", err, c.where, c.says)
			}
		})
	}
}

// TestWarnings checks what renders with a warning: an ingress class no instance serves, a pool with
// host bits set, a site with no node selector, and BGP mode.
func TestWarnings(t *testing.T) {
	p := loadExample(t)
	p.Services[3].IngressClass = "traefik-nowhere" // kubernetes-dashboard
	for _, n := range p.Networks {
		if n.Name == "cabin-pool" {
			n.Pool.Mode = network.ModeBGP
			n.Prefix = netip.PrefixFrom(n.Prefix.Addr().Next(), 25)
		}
	}
	p.Sites[0].NodeSelector = nil // cabin
	res := renderPlan(t, p)
	var msgs []string
	for _, tg := range res.Targets {
		for _, w := range tg.Warnings {
			msgs = append(msgs, w.String())
		}
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"services.yaml:45:1: service kubernetes-dashboard/kubernetes-dashboard names ingress class traefik-nowhere",
		"sites/cabin.yaml:29:9: pool cabin-pool has host bits set in 192.168.22.1/25",
		"sites/cabin.yaml:4:1: site cabin has no nodeSelector",
		"sites/cabin.yaml:4:1: pools [cabin-pool] use BGP mode",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in:\n%s", want, all)
		}
	}
	find(t, target(t, res, "cabin"), "BGPAdvertisement", "metallb-system", "cabin")
}

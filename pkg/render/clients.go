package render

import (
	"net/netip"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netops/netops/pkg/network"
)

// block is an ipBlock of a NetworkPolicy: a prefix, less the prefixes in except, each strictly inside it.
type block struct {
	prefix netip.Prefix
	except []netip.Prefix
}

func blocksOf(ps []netip.Prefix) []block {
	out := make([]block, len(ps))
	for i, p := range ps {
		out[i] = block{prefix: p}
	}
	return out
}

// loadBalancerPolicy lets the clients of a LoadBalancer service reach its pods: anyone for an online
// service, and lanClients for a LAN one. A LAN service that nobody may reach gets a policy that
// admits nobody, and a warning: an ingress rule without peers would admit everyone.
func (r *renderer) loadBalancerPolicy(t *Target, s *network.Service, selector map[string]string, ports []policyPort) {
	spec := networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{MatchLabels: selector},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
	}
	clients := r.clients(s)
	if len(clients) == 0 {
		t.warn(s.Pos, "no network may reach LAN service %s/%s: its site has no network that is not quarantine, and no VPN routes its pool", s.Namespace, s.Name)
	} else {
		spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: ipPeers(clients), Ports: policyPorts(ports)}}
	}
	t.add(s.Pos, networkPolicy(s.Namespace, "netops-allow-lb-"+s.Name, spec))
}

func (r *renderer) clients(s *network.Service) []block {
	if s.Exposure != network.ExposureOnline {
		return r.lanClients(s.PoolNet)
	}
	if s.IP.Is6() {
		return []block{{prefix: netip.MustParsePrefix("::/0")}}
	}
	return []block{{prefix: netip.MustParsePrefix("0.0.0.0/0")}}
}

// lanClients are who may reach a LAN service in the pool: the networks of the pool's site, and for
// each VPN that routes the pool or a network holding it, the VPN's prefix and the networks of the
// sites it joins; quarantine networks are left out, nested ones as an ipBlock's except. A site
// reaches another site's LAN services only through a VPN that routes them, so each service lists a
// bounded set of prefixes however many sites the cluster has.
func (r *renderer) lanClients(pool *network.Network) []block {
	if bs, ok := r.lans[pool.Name]; ok {
		return bs
	}
	sites := []*network.Site{pool.Site}
	var in []netip.Prefix
	for _, v := range r.routesTo(pool) {
		in = append(in, v.Prefix.Masked())
		for _, name := range v.Sites {
			sites = append(sites, r.idx.sites[name])
		}
	}
	var out []netip.Prefix
	for _, s := range sites {
		in, out = appendSiteLAN(in, out, s)
	}
	bs := carve(collapse(in), collapse(out))
	r.lans[pool.Name] = bs
	return bs
}

// appendSiteLAN appends the site's top-level networks, quarantine left out, to in, and the
// quarantine networks nested in them to out.
func appendSiteLAN(in, out []netip.Prefix, s *network.Site) ([]netip.Prefix, []netip.Prefix) {
	if s == nil {
		return in, out
	}
	for _, n := range s.Networks {
		if n.Role != network.RoleUnused {
			in = append(in, n.Prefix.Masked())
			out = appendUnused(out, n.Networks)
		}
	}
	return in, out
}

func appendUnused(out []netip.Prefix, nets []*network.Network) []netip.Prefix {
	for _, n := range nets {
		if n.Role == network.RoleUnused {
			out = append(out, n.Prefix.Masked())
		}
		out = appendUnused(out, n.Networks)
	}
	return out
}

// carve takes the prefixes of out away from ps: a prefix that one of out holds whole goes, and one
// that holds prefixes of out becomes a block with them as except. Prefixes nest or are apart, so
// nothing else can happen.
func carve(ps, out []netip.Prefix) []block {
	var bs []block
	for _, p := range ps {
		b := block{prefix: p}
		gone := false
		for _, u := range out {
			switch {
			case u.Bits() <= p.Bits() && u.Contains(p.Addr()):
				gone = true
			case p.Contains(u.Addr()):
				b.except = append(b.except, u)
			}
		}
		if !gone {
			bs = append(bs, b)
		}
	}
	return bs
}

// routesTo lists the VPNs that route the network or a network holding it, each once.
func (r *renderer) routesTo(n *network.Network) []*network.VPN {
	var out []*network.VPN
	for ; n != nil; n = n.Parent {
		for _, v := range r.idx.routes[n.Name] {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

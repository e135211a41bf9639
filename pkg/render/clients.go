package render

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"
	"strings"

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
		t.warn(s.Pos, "no network may reach LAN service %s/%s: its site has no network of a tenant that may use it, and no VPN that routes its pool carries one", s.Namespace, s.Name)
	} else {
		spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: ipPeers(clients), Ports: policyPorts(ports)}}
	}
	t.add(s.Pos, networkPolicy(s.Namespace, "netops-allow-lb-"+s.Name, spec))
}

// trafficPolicy is the service's externalTrafficPolicy: the plan's, else Local for a LAN service,
// whose policy tells clients apart only when the pods see the clients' own addresses, else
// Kubernetes's default for an online one, which admits anyone anyway.
func trafficPolicy(s *network.Service) network.TrafficPolicy {
	if s.ExternalTrafficPolicy == "" && s.Exposure != network.ExposureOnline {
		return network.TrafficLocal
	}
	return s.ExternalTrafficPolicy
}

func (r *renderer) clients(s *network.Service) []block {
	if s.Exposure == network.ExposureOnline {
		if s.IP.Is6() {
			return []block{{prefix: netip.MustParsePrefix("::/0")}}
		}
		return []block{{prefix: netip.MustParsePrefix("0.0.0.0/0")}}
	}
	clients := r.lanClients(s)
	if trafficPolicy(s) == network.TrafficCluster {
		if src := r.clusterSource(s.PoolNet.Site); src.IsValid() {
			clients = mergeBlocks(append(slices.Clone(clients), block{prefix: src}))
		}
	}
	return clients
}

// clusterSource is the address range a pod sees its LoadBalancer clients come from when the Service
// keeps externalTrafficPolicy Cluster: on Weave Net, the weave bridge of the node that took the
// packet, an address of its allocation range (weaveworks/weave docs/k8s-src-ip.md), so the policy
// can only admit that whole range.
func (r *renderer) clusterSource(site *network.Site) netip.Prefix {
	c := r.idx.clusters[site.Cluster]
	if c == nil {
		return netip.Prefix{}
	}
	switch c.CNI {
	case network.CNIWeave, "":
		return c.Weave.IPAllocRange.Masked()
	}
	return c.PodCIDR.Masked()
}

// lanClients are who may reach a LAN service: the networks of the pool's site whose tenant may use
// the service (usersOf), and for each VPN that routes the pool or a network holding it and carries
// such a tenant, the VPN's prefix and the networks of those tenants at the sites it joins.
// Quarantine networks, and networks of other tenants nested in an admitted one, are cut out with
// except. A site reaches another site's LAN services only through a VPN that routes them, so each
// service lists a bounded set of prefixes however many sites the cluster has.
func (r *renderer) lanClients(s *network.Service) []block {
	users := r.usersOf(s)
	key := s.PoolNet.Name + "\x00" + strings.Join(sortedSet(slices.Collect(maps.Keys(users))), ",")
	if bs, ok := r.lans[key]; ok {
		return bs
	}
	var bs []block
	bs = append(bs, siteClients(s.PoolNet.Site, users)...)
	for _, v := range r.routesTo(s.PoolNet) {
		carried := carriedUsers(v, users)
		if len(carried) == 0 {
			continue
		}
		bs = append(bs, block{prefix: v.Prefix.Masked()})
		for _, name := range v.Sites {
			bs = append(bs, siteClients(r.idx.sites[name], carried)...)
		}
	}
	bs = mergeBlocks(bs)
	r.lans[key] = bs
	return bs
}

// usersOf are the tenants whose networks may reach a LAN service: its own, those the service's
// usableBy names, and those its tenant's usableBy names.
func (r *renderer) usersOf(s *network.Service) map[string]bool {
	users := map[string]bool{s.Tenant: true}
	for _, name := range s.UsableBy {
		users[name] = true
	}
	if tn := r.idx.tenants[s.Tenant]; tn != nil {
		for _, name := range tn.UsableBy {
			users[name] = true
		}
	}
	return users
}

// carriedUsers are the users that a VPN carries: its owner and its tenants.
func carriedUsers(v *network.VPN, users map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, name := range append([]string{v.Tenant}, v.Tenants...) {
		if users[name] {
			out[name] = true
		}
	}
	return out
}

// siteClients are the site's networks of the tenants, each with the quarantine networks and the
// networks of other tenants nested in it as except.
func siteClients(s *network.Site, tenants map[string]bool) []block {
	if s == nil {
		return nil
	}
	var c clientSet
	for _, n := range s.Networks {
		c.network(n, tenants)
	}
	return carve(collapse(c.in), collapse(c.out))
}

// clientSet gathers the prefixes a policy admits (in) and those nested in them it leaves out (out).
type clientSet struct{ in, out []netip.Prefix }

func (c *clientSet) network(n *network.Network, tenants map[string]bool) {
	switch {
	case n.Role == network.RoleUnused:
	case tenants[n.Tenant]:
		c.in = append(c.in, n.Prefix.Masked())
		c.cut(n.Networks, tenants)
	default:
		for _, child := range n.Networks {
			c.network(child, tenants)
		}
	}
}

func (c *clientSet) cut(nets []*network.Network, tenants map[string]bool) {
	for _, n := range nets {
		if n.Role == network.RoleUnused || !tenants[n.Tenant] {
			c.out = append(c.out, n.Prefix.Masked())
			continue
		}
		c.cut(n.Networks, tenants)
	}
}

// mergeBlocks sorts blocks and drops those that an earlier block without except holds whole.
func mergeBlocks(bs []block) []block {
	slices.SortFunc(bs, func(a, b block) int {
		return cmp.Or(a.prefix.Addr().Compare(b.prefix.Addr()), cmp.Compare(a.prefix.Bits(), b.prefix.Bits()), cmp.Compare(len(a.except), len(b.except)))
	})
	var out []block
	for _, b := range bs {
		if n := len(out); n > 0 && len(out[n-1].except) == 0 && out[n-1].prefix.Bits() <= b.prefix.Bits() && out[n-1].prefix.Contains(b.prefix.Addr()) {
			continue
		}
		out = append(out, b)
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

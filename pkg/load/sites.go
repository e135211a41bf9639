package load

import (
	"github.com/netops/netops/pkg/network"
)

// Default link MTUs: Ethernet, and a VPN tunnel's usual room for its own headers.
const (
	DirectMTU = 1500
	VPNMTU    = 1400
)

func (r *resolver) site(s *network.Site) {
	r.siteCluster(s)
	r.link(s)
	names := map[string]*network.Address{}
	for _, n := range s.Networks {
		r.network(n, s, nil, names)
	}
}

func (r *resolver) siteCluster(s *network.Site) {
	if s.Cluster == "" && len(r.plan.Clusters) == 1 {
		s.Cluster = r.plan.Clusters[0].Name
	}
	if r.required(s.Pos, s.Cluster != "", "cluster", "name the cluster the site's nodes belong to") {
		ref(r, s.Pos, "cluster", s.Cluster, r.clusters)
	}
}

func (r *resolver) link(s *network.Site) {
	l := &s.Link
	if l.Type == "" {
		l.Type = network.LinkDirect
	}
	pos := l.Pos
	if pos.File == "" {
		pos = s.Pos
	}
	switch {
	case l.Type == network.LinkVPN && l.VPN == "":
		r.errs.add(pos, "name the VPN with vpn:", "a vpn link needs a VPN")
	case l.Type == network.LinkDirect && l.VPN != "":
		r.errs.add(pos, "set type: vpn, or remove vpn:", "a direct link names VPN %q", l.VPN)
	default:
		ref(r, pos, "VPN", l.VPN, r.vpns)
	}
	if l.MTU == 0 {
		l.MTU = map[network.LinkType]int{network.LinkDirect: DirectMTU, network.LinkVPN: VPNMTU}[l.Type]
	}
}

// network resolves a site's network and its children, depth first, in the order they are written.
func (r *resolver) network(n *network.Network, s *network.Site, parent *network.Network, names map[string]*network.Address) {
	n.Site, n.Parent = s, parent
	if n.Tenant == "" && parent != nil {
		n.Tenant = parent.Tenant
	}
	if n.Access == "" {
		n.Access = network.AccessPrivate
	}
	if r.name(n.Pos, "network", n.Name) {
		r.addNetwork(n)
	}
	r.required(n.Pos, n.Prefix.IsValid(), "prefix", "add prefix: such as 192.168.2.0/24")
	r.required(n.Pos, n.Role != "", "role", "add role: one of the network roles")
	r.pool(n)
	for _, a := range n.Addresses {
		r.address(a, n, names)
	}
	for _, child := range n.Networks {
		r.network(child, s, n, names)
	}
}

func (r *resolver) pool(n *network.Network) {
	switch {
	case n.Role == network.RolePool && n.Pool == nil:
		r.errs.add(n.Pos, "add pool: with exposure: lan or online", "network %q has role pool but no pool settings", n.Name)
	case n.Role != network.RolePool && n.Pool != nil:
		r.errs.add(n.Pool.Pos, "set role: pool, or remove pool:", "network %q has pool settings but role %q", n.Name, n.Role)
	case n.Pool != nil:
		r.required(n.Pool.Pos, n.Pool.Exposure != "", "exposure", "add exposure: lan or online")
		if n.Pool.Mode == "" {
			n.Pool.Mode = network.ModeL2
		}
	}
}

func (r *resolver) address(a *network.Address, n *network.Network, names map[string]*network.Address) {
	a.Network = n
	r.plan.Addresses = append(r.plan.Addresses, a)
	r.required(a.Pos, a.IP.IsValid(), "ip", "add ip: such as 192.168.4.1")
	if !r.name(a.Pos, "address", a.Name) {
		return
	}
	if first, dup := names[a.Name]; dup {
		r.errs.add(a.Pos, "rename one of them", "duplicate address name %q in site %s (first at %s)", a.Name, first.Network.Site.Name, first.Pos)
		return
	}
	names[a.Name] = a
}

// networkRefs checks a network's references to tenants, once every tenant is known.
func (r *resolver) networkRefs(n *network.Network) {
	if n.Parent == nil && n.Tenant == "" && n.Site != nil {
		r.errs.add(n.Pos, "add tenant: naming the tenant that owns it", "network %q belongs to no tenant", n.Name)
	}
	if n.Parent == nil || n.Tenant != n.Parent.Tenant {
		ref(r, n.Pos, "tenant", n.Tenant, r.tenants)
	}
	refs(r, n.Pos, "tenant", n.ReachableBy, r.tenants)
	if n.Pool != nil {
		refs(r, n.Pool.Pos, "tenant", n.Pool.Tenants, r.tenants)
	}
}

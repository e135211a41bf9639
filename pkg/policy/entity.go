package policy

import "github.com/netops/netops/pkg/network"

// Entity is the stable id by which findings, exceptions and base comparisons name an entity of the plan:
// kind/name, such as network/lan-pool, address/home/router (site/name; for a VPN server, the VPN's
// network stands in for the site), service/media/plex (namespace/name), vpn/shared, tenant/home,
// cluster/homelab, site/home or plan/homelab. It is "" for any other value.
func Entity(v any) string {
	switch v := v.(type) {
	case *network.Network:
		return "network/" + v.Name
	case *network.Address:
		return "address/" + addressKey(v)
	case *network.Service:
		return "service/" + serviceKey(v)
	case *network.VPN:
		return "vpn/" + v.Name
	case *network.Tenant:
		return "tenant/" + v.Name
	case *network.Cluster:
		return "cluster/" + v.Name
	case *network.Site:
		return "site/" + v.Name
	case *network.Plan:
		return "plan/" + v.Name
	case *network.Exception:
		return "exception/" + v.Rule + ":" + v.Entity
	}
	return ""
}

// addressKey names an address within the plan: site/name, or network/name outside any site.
func addressKey(a *network.Address) string {
	switch {
	case a.Network == nil:
		return a.Name
	case a.Network.Site != nil:
		return a.Network.Site.Name + "/" + a.Name
	}
	return a.Network.Name + "/" + a.Name
}

func serviceKey(s *network.Service) string { return s.Namespace + "/" + s.Name }

// locator finds the position of an entity by its id.
type locator map[string]network.Pos

func newLocator(p *network.Plan) locator {
	l := locator{Entity(p): p.Pos}
	for _, v := range p.Networks {
		l[Entity(v)] = v.Pos
	}
	for _, v := range p.Addresses {
		l[Entity(v)] = v.Pos
	}
	for _, v := range p.Services {
		l[Entity(v)] = v.Pos
	}
	for _, v := range p.VPNs {
		l[Entity(v)] = v.Pos
	}
	for _, v := range p.Tenants {
		l[Entity(v)] = v.Pos
	}
	for _, v := range p.Clusters {
		l[Entity(v)] = v.Pos
	}
	for _, v := range p.Sites {
		l[Entity(v)] = v.Pos
	}
	for _, v := range p.Exceptions {
		l[Entity(v)] = v.Pos
	}
	return l
}

package render

import (
	"github.com/netops/netops/pkg/network"
)

// index finds the plan's entities by what rendering asks for.
type index struct {
	clusters    map[string]*network.Cluster
	sites       map[string]*network.Site
	vpns        map[string]*network.VPN
	tenants     map[string]*network.Tenant
	networks    map[string]*network.Network
	siteList    map[string][]*network.Site    // by cluster
	pools       map[string][]*network.Network // by site
	services    map[string][]*network.Service // by site, Traefik entrypoints left out
	ingresses   map[string][]*network.Service // Traefik instances, by cluster
	unplaced    []*network.Service            // services whose pool is not a site's
	routes      map[string][]*network.VPN     // the VPNs that route each network, by network name
	reachableBy map[string][]*network.Network // the networks that name each tenant in reachableBy
}

func newIndex(p *network.Plan) *index {
	x := &index{
		clusters: byName(p.Clusters, func(c *network.Cluster) string { return c.Name }),
		sites:    byName(p.Sites, func(s *network.Site) string { return s.Name }),
		vpns:     byName(p.VPNs, func(v *network.VPN) string { return v.Name }),
		tenants:  byName(p.Tenants, func(t *network.Tenant) string { return t.Name }),
		networks: byName(p.Networks, func(n *network.Network) string { return n.Name }),
		siteList: map[string][]*network.Site{}, pools: map[string][]*network.Network{},
		services: map[string][]*network.Service{}, ingresses: map[string][]*network.Service{},
		routes: map[string][]*network.VPN{}, reachableBy: map[string][]*network.Network{},
	}
	for _, s := range p.Sites {
		x.siteList[s.Cluster] = append(x.siteList[s.Cluster], s)
	}
	for _, n := range p.Networks {
		for _, tn := range n.ReachableBy {
			x.reachableBy[tn] = append(x.reachableBy[tn], n)
		}
		if n.Role == network.RolePool && n.Pool != nil && n.Site != nil {
			x.pools[n.Site.Name] = append(x.pools[n.Site.Name], n)
		}
	}
	for _, s := range p.Services {
		x.addService(s)
	}
	for _, v := range p.VPNs {
		for _, n := range v.Routes {
			x.routes[n] = append(x.routes[n], v)
		}
	}
	return x
}

func (x *index) addService(s *network.Service) {
	if s.PoolNet == nil || s.PoolNet.Site == nil {
		x.unplaced = append(x.unplaced, s)
		return
	}
	site := s.PoolNet.Site
	if s.Ingress {
		x.ingresses[site.Cluster] = append(x.ingresses[site.Cluster], s)
		return
	}
	x.services[site.Name] = append(x.services[site.Name], s)
}

func byName[T any](list []*T, name func(*T) string) map[string]*T {
	m := make(map[string]*T, len(list))
	for _, v := range list {
		m[name(v)] = v
	}
	return m
}

// clusterServices lists the services whose pools are in the cluster's sites, Traefik entrypoints too.
func (x *index) clusterServices(cluster string) []*network.Service {
	out := append([]*network.Service{}, x.ingresses[cluster]...)
	for _, s := range x.siteList[cluster] {
		out = append(out, x.services[s.Name]...)
	}
	return out
}

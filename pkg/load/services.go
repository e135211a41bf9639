package load

import (
	"github.com/netops/netops/pkg/network"
)

func (r *resolver) services() {
	seen := map[string]*network.Service{}
	for _, s := range r.plan.Services {
		r.service(s)
		key := s.Namespace + "/" + s.Name
		if first, dup := seen[key]; dup {
			r.errs.add(s.Pos, "rename or remove one of them", "duplicate service %s (first at %s)", key, first.Pos)
			continue
		}
		seen[key] = s
	}
}

func (r *resolver) service(s *network.Service) {
	r.name(s.Pos, "service", s.Name)
	if r.required(s.Pos, s.Namespace != "", "namespace", "add namespace:") {
		r.name(s.Pos, "namespace", s.Namespace)
	}
	if r.required(s.Pos, s.Tenant != "", "tenant", "name the tenant that owns the service") {
		ref(r, s.Pos, "tenant", s.Tenant, r.tenants)
	}
	refs(r, s.Pos, "tenant", s.UsableBy, r.tenants)
	r.required(s.Pos, s.IP.IsValid(), "ip", "add ip: a fixed address from the pool")
	r.servicePool(s)
	r.ports(s)
	r.ingressPort(s)
}

// ingressPort checks that a service routed through an ingress class says, or lets netops tell,
// which of its ports takes the route.
func (r *resolver) ingressPort(s *network.Service) {
	if s.IngressClass == "" || s.Ingress || len(s.Ports) == 0 {
		return
	}
	if _, err := s.RoutePort(); err != nil {
		r.errs.add(s.Pos, "set ingressPort: to the name or number of the port that takes the route", "%v", err)
	}
}

func (r *resolver) servicePool(s *network.Service) {
	if !r.required(s.Pos, s.Pool != "", "pool", "name the MetalLB pool, a network with role pool") {
		return
	}
	n := ref(r, s.Pos, "pool", s.Pool, r.networks)
	if n == nil {
		return
	}
	if n.Role != network.RolePool {
		r.errs.add(s.Pos, "name a network with role pool", "network %q is not a pool (role %s)", s.Pool, n.Role)
		return
	}
	s.PoolNet = n
	if s.Exposure == "" && n.Pool != nil {
		s.Exposure = n.Pool.Exposure
	}
}

func (r *resolver) ports(s *network.Service) {
	r.required(s.Pos, len(s.Ports) > 0, "ports", "list the ports with port: and protocol:")
	for i := range s.Ports {
		p := &s.Ports[i]
		if p.Port < 1 || p.Port > 65535 {
			r.errs.add(p.Pos, "use a port from 1 to 65535", "bad port %d", p.Port)
		}
		if p.Protocol == "" {
			p.Protocol = network.TCP
		}
		if p.TargetPort == 0 {
			p.TargetPort = p.Port
		}
	}
}

// documentSites records which site each top-level document belongs to; "" means every site.
func (r *resolver) documentSites() {
	services := map[network.Pos]*network.Service{}
	for _, s := range r.plan.Services {
		services[s.Pos] = s
	}
	for i := range r.plan.Documents {
		d := &r.plan.Documents[i]
		switch d.Kind {
		case "Site":
			d.Site = d.Name
		case "Service":
			if s := services[d.Pos]; s != nil && s.PoolNet != nil && s.PoolNet.Site != nil {
				d.Site = s.PoolNet.Site.Name
			}
		}
	}
}

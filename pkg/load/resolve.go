package load

import (
	"net/netip"
	"time"

	"github.com/netops/netops/pkg/network"
)

// resolver checks references and required fields, fills defaults and links the plan's entities.
type resolver struct {
	plan     *network.Plan
	errs     *errs
	tenants  map[string]*network.Tenant
	clusters map[string]*network.Cluster
	sites    map[string]*network.Site
	vpns     map[string]*network.VPN
	networks map[string]*network.Network
}

func resolve(p *network.Plan, c *errs) {
	r := &resolver{plan: p, errs: c, networks: map[string]*network.Network{}}
	if p.Pos.File == "" {
		c.add(network.Pos{File: "netops.yaml"}, "add netops.yaml with apiVersion: "+network.APIVersion+" and kind: Network",
			"no Network document in the repo")
		return
	}
	r.index()
	for _, cl := range p.Clusters {
		r.cluster(cl)
	}
	for _, s := range p.Sites {
		r.site(s)
	}
	for _, v := range p.VPNs {
		r.vpn(v)
	}
	r.afterNetworks()
}

func (r *resolver) afterNetworks() {
	for _, t := range r.plan.Tenants {
		r.tenant(t)
	}
	for _, n := range r.plan.Networks {
		r.networkRefs(n)
	}
	for _, v := range r.plan.VPNs {
		refs(r, v.Pos, "network", v.Routes, r.networks)
	}
	r.services()
	for _, e := range r.plan.Exceptions {
		r.exception(e)
	}
	r.documentSites()
	r.kubeNames()
}

func (r *resolver) index() {
	p := r.plan
	r.tenants = indexByName(r, "tenant", p.Tenants, func(t *network.Tenant) (string, network.Pos) { return t.Name, t.Pos })
	r.clusters = indexByName(r, "cluster", p.Clusters, func(c *network.Cluster) (string, network.Pos) { return c.Name, c.Pos })
	r.sites = indexByName(r, "site", p.Sites, func(s *network.Site) (string, network.Pos) { return s.Name, s.Pos })
	r.vpns = indexByName(r, "VPN", p.VPNs, func(v *network.VPN) (string, network.Pos) { return v.Name, v.Pos })
}

func indexByName[T any](r *resolver, what string, list []*T, key func(*T) (string, network.Pos)) map[string]*T {
	m := make(map[string]*T, len(list))
	for _, v := range list {
		name, pos := key(v)
		if !r.name(pos, what, name) {
			continue
		}
		if first, dup := m[name]; dup {
			_, at := key(first)
			r.errs.add(pos, "rename or remove one of them", "duplicate %s name %q (first at %s)", what, name, at)
			continue
		}
		m[name] = v
	}
	return m
}

// isDNSLabel reports whether s matches ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$, as a Kubernetes object
// name must.
func isDNSLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}

// name checks that an entity has a name that can be a Kubernetes object name.
func (r *resolver) name(pos network.Pos, what, name string) bool {
	switch {
	case name == "":
		r.errs.add(pos, "add name:", "%s has no name", what)
	case !isDNSLabel(name):
		r.errs.add(pos, "use lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit",
			"%s name %s is not a DNS label", what, quote(name))
	default:
		return true
	}
	return false
}

// ref checks that name is a key of m; an empty name is left to the caller.
func ref[T any](r *resolver, pos network.Pos, what, name string, m map[string]*T) *T {
	if name == "" {
		return nil
	}
	v, ok := m[name]
	if !ok {
		r.errs.add(pos, "declare it, or fix the spelling", "unknown %s %s", what, quote(name))
	}
	return v
}

func refs[T any](r *resolver, pos network.Pos, what string, names []string, m map[string]*T) {
	for _, n := range names {
		ref(r, pos, what, n, m)
	}
}

func (r *resolver) required(pos network.Pos, ok bool, what, hint string) bool {
	if !ok {
		r.errs.add(pos, hint, "missing %s", what)
	}
	return ok
}

func (r *resolver) cluster(c *network.Cluster) {
	r.required(c.Pos, c.PodCIDR.IsValid(), "podCIDR", "add podCIDR: such as 10.244.0.0/16")
	r.required(c.Pos, c.ServiceCIDR.IsValid(), "serviceCIDR", "add serviceCIDR: such as 10.96.0.0/12")
	if r.required(c.Pos, c.Tenant != "", "tenant", "name the tenant that owns the cluster's ranges") {
		ref(r, c.Pos, "tenant", c.Tenant, r.tenants)
	}
	if c.Context == "" {
		c.Context = c.Name
	}
	if c.DNSDomain == "" {
		c.DNSDomain = "cluster.local"
	}
	dnsDefaults(&c.DNS)
	if c.CNI == "" {
		c.CNI = network.CNIWeave
	}
	if !c.Weave.IPAllocRange.IsValid() {
		c.Weave.IPAllocRange = c.PodCIDR
	}
	r.synthesize(c.Pos, c.Name+"-pods", c.PodCIDR, network.RolePod, c.Tenant, "pod CIDR of cluster "+c.Name)
	r.synthesize(c.Pos, c.Name+"-services", c.ServiceCIDR, network.RoleService, c.Tenant, "service CIDR of cluster "+c.Name)
}

// synthesize adds a network for a range declared elsewhere than in a site, such as a pod CIDR.
func (r *resolver) synthesize(pos network.Pos, name string, p netip.Prefix, role network.Role, tenant, desc string) *network.Network {
	if !p.IsValid() {
		return nil
	}
	n := &network.Network{Pos: pos, Name: name, Prefix: p, Role: role, Tenant: tenant, Access: network.AccessPrivate, Description: desc}
	r.addNetwork(n)
	return n
}

func (r *resolver) addNetwork(n *network.Network) {
	if first, dup := r.networks[n.Name]; dup {
		r.errs.add(n.Pos, "rename or remove one of them", "duplicate network name %q (first at %s)", n.Name, first.Pos)
		return
	}
	r.networks[n.Name] = n
	r.plan.Networks = append(r.plan.Networks, n)
}

func (r *resolver) exception(e *network.Exception) {
	r.required(e.Pos, e.Rule != "", "rule", "name the rule id the exception is for")
	r.required(e.Pos, e.Entity != "", "entity", "name the entity as findings do, such as network/lan-pool")
	r.required(e.Pos, e.Reason != "", "reason", "say why the finding is accepted")
	if e.Expires == "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
		r.errs.add(e.Pos, "write the date as YYYY-MM-DD", "bad expiry date %q", e.Expires)
	}
}

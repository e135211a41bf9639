package policy

import (
	"encoding/json"
	"net/netip"

	"github.com/netops/netops/pkg/network"
)

// InputVersion is the version of the input document that the policies read. It changes only when a
// field changes meaning or goes away; new fields may come in any version.
const InputVersion = 1

// Input is the document the policies read as input for a plan, as a value that encoding/json
// marshals, so that other tools (opa eval, conftest) can run the same policies on the same input.
func Input(p *network.Plan, opts ...CheckOption) map[string]any {
	var in checkInput
	for _, opt := range opts {
		opt(&in)
	}
	return input(p, computeFacts(p), in.rendered)
}

// input builds the document the policies read as input. Collections are objects keyed by name, so that
// a rule looks an entity up in O(1), except the addresses, which are many and come as a list. OPA gets
// the document lazily: what no rule reads is never converted, and each address is built only when a
// rule reads it (through JSON, which is slow: the built-in rules read input.facts instead, and never
// walk the addresses). Every entity carries its id as "entity" (see Entity). Version 1:
//
//	version    1
//	plan       {entity, name}
//	sites      name -> {entity, name, cluster, link: {type, vpn, mtu}, nodeSelector}
//	tenants    name -> {entity, name, namespaces, pools, vpns, online, internet, reaches, usableBy}
//	networks   name -> {entity, name, prefix (as written), masked, canonical, bits, first, last, role,
//	                   tenant, access, vlan, site, parent, reachableBy, containers (the networks whose
//	                   prefix contains this one, outermost first), pool: null or {exposure, mode,
//	                   avoidBuggyIPs, autoAssign, tenants, namespaces}}
//	addresses  [{entity, name, ip, network, site, roles, dns, shared}]
//	services   namespace/name -> {entity, name, namespace, tenant, pool, ip, exposure, sharingKey,
//	                   ingressClass, ingress, dns, externalTrafficPolicy, usableBy, ports: [{name, port, protocol, targetPort}]}
//	vpns       name -> {entity, name, type, tenant, prefix, network, server, tenants, sites, routes, mtu}
//	clusters   name -> {entity, name, tenant, podCIDR, serviceCIDR, dnsDomain, apiVIP, apiServers, cni, apiVIPNetworks
//	                   (the networks that contain it, outermost first), weave: {ipAllocRange, mtu}}
//	index      {networksByRole: role -> [name] (every role, maybe empty), networksByTenant: tenant -> [name],
//	            servicesByTenant: tenant -> [namespace/name]}
//	facts      {noncanonical, outsideParent: [network], overlaps: [{outer, inner}],
//	            addressesOutside, servicesOutsidePool: [holder],
//	            boundaries: [{holder, network, is}], sharedIPs: [{ip, addresses: [holder], services: [holder]}],
//	            quarantined: [{holder, network}]}
//	           where a holder is an address or a service: {kind, key, entity, ip, network (the one it
//	           is declared in: for a service, its pool), shared (its shared or sharingKey)}
//	rendered   site -> [Kubernetes object], the objects the render stage makes for each site; empty
//	           until a caller passes them with WithRendered
//
// Networks include the cluster's pod and service ranges and each VPN's prefix, which the loader adds.
func input(p *network.Plan, f facts, rendered map[string][]map[string]any) map[string]any {
	all := newPrefixIndex(p.Networks)
	return map[string]any{
		"version":   InputVersion,
		"plan":      map[string]any{"entity": Entity(p), "name": p.Name},
		"sites":     byName(p.Sites, func(s *network.Site) string { return s.Name }, siteDoc),
		"tenants":   byName(p.Tenants, func(t *network.Tenant) string { return t.Name }, tenantDoc),
		"networks":  byName(p.Networks, func(n *network.Network) string { return n.Name }, func(n *network.Network) map[string]any { return networkDoc(n, all) }),
		"addresses": lazyAddresses(p.Addresses),
		"services":  byName(p.Services, serviceKey, serviceDoc),
		"vpns":      byName(p.VPNs, func(v *network.VPN) string { return v.Name }, vpnDoc),
		"clusters":  byName(p.Clusters, func(c *network.Cluster) string { return c.Name }, func(c *network.Cluster) map[string]any { return clusterDoc(c, all) }),
		"index":     indexDoc(p),
		"facts":     f.doc(),
		"rendered":  renderedDoc(rendered),
	}
}

func byName[T any](list []*T, key func(*T) string, doc func(*T) map[string]any) map[string]any {
	m := make(map[string]any, len(list))
	for _, v := range list {
		m[key(v)] = doc(v)
	}
	return m
}

func siteDoc(s *network.Site) map[string]any {
	return map[string]any{
		"entity": Entity(s), "name": s.Name, "cluster": s.Cluster, "nodeSelector": nonNil(s.NodeSelector),
		"link": map[string]any{"type": string(s.Link.Type), "vpn": s.Link.VPN, "mtu": s.Link.MTU},
	}
}

func tenantDoc(t *network.Tenant) map[string]any {
	return map[string]any{
		"entity": Entity(t), "name": t.Name, "namespaces": strs(t.Namespaces), "pools": strs(t.Pools),
		"vpns": strs(t.VPNs), "online": t.Online, "internet": t.Internet,
		"reaches": strs(t.Reaches), "usableBy": strs(t.UsableBy),
	}
}

func networkDoc(n *network.Network, all *prefixIndex) map[string]any {
	m := n.Prefix.Masked()
	doc := map[string]any{
		"entity": Entity(n), "name": n.Name, "prefix": text(n.Prefix), "masked": text(m),
		"canonical": n.Prefix == m, "bits": n.Prefix.Bits(), "first": text(m.Addr()), "last": "",
		"role": string(n.Role), "tenant": n.Tenant, "access": string(n.Access), "vlan": n.VLAN,
		"site": "", "parent": "", "reachableBy": strs(n.ReachableBy), "pool": poolDoc(n.Pool),
		"containers": names(all.containing(m), n),
	}
	if m.IsValid() {
		doc["last"] = lastAddr(m).String()
	}
	if n.Site != nil {
		doc["site"] = n.Site.Name
	}
	if n.Parent != nil {
		doc["parent"] = n.Parent.Name
	}
	return doc
}

func poolDoc(p *network.Pool) any {
	if p == nil {
		return nil
	}
	return map[string]any{
		"exposure": string(p.Exposure), "mode": string(p.Mode), "avoidBuggyIPs": p.AvoidBuggyIPs,
		"autoAssign": p.AutoAssign == nil || *p.AutoAssign, "tenants": strs(p.Tenants), "namespaces": strs(p.Namespaces),
	}
}

func addressDoc(a *network.Address) map[string]any {
	doc := map[string]any{
		"entity": Entity(a), "name": a.Name, "ip": text(a.IP), "network": "", "site": "",
		"roles": strs(a.Roles), "dns": a.DNS, "shared": a.Shared,
	}
	if a.Network != nil {
		doc["network"] = a.Network.Name
		if a.Network.Site != nil {
			doc["site"] = a.Network.Site.Name
		}
	}
	return doc
}

// lazyAddresses lists the addresses as values that OPA converts, through JSON, only when a rule reads
// them.
func lazyAddresses(list []*network.Address) []any {
	out := make([]any, len(list))
	for i, a := range list {
		out[i] = lazyAddress{a}
	}
	return out
}

// lazyAddress is an address that becomes its input document only when OPA reads it, which it does
// through JSON for a value of a type it does not know.
type lazyAddress struct{ a *network.Address }

func (l lazyAddress) MarshalJSON() ([]byte, error) { return json.Marshal(addressDoc(l.a)) }

func serviceDoc(s *network.Service) map[string]any {
	ports := make([]any, len(s.Ports))
	for i, p := range s.Ports {
		ports[i] = map[string]any{"name": p.Name, "port": p.Port, "protocol": string(p.Protocol), "targetPort": p.TargetPort}
	}
	return map[string]any{
		"entity": Entity(s), "name": s.Name, "namespace": s.Namespace, "tenant": s.Tenant, "pool": s.Pool,
		"ip": text(s.IP), "exposure": string(s.Exposure), "sharingKey": s.SharingKey,
		"ingressClass": s.IngressClass, "ingress": s.Ingress, "dns": s.DNS, "ports": ports,
		"externalTrafficPolicy": string(s.ExternalTrafficPolicy), "usableBy": strs(s.UsableBy),
	}
}

func vpnDoc(v *network.VPN) map[string]any {
	doc := map[string]any{
		"entity": Entity(v), "name": v.Name, "type": string(v.Type), "tenant": v.Tenant, "prefix": text(v.Prefix),
		"network": "", "server": "", "tenants": strs(v.Tenants), "sites": strs(v.Sites), "routes": strs(v.Routes), "mtu": v.MTU,
	}
	if v.Network != nil {
		doc["network"] = v.Network.Name
	}
	if v.Server != nil {
		doc["server"] = addressKey(v.Server)
	}
	return doc
}

func clusterDoc(c *network.Cluster, all *prefixIndex) map[string]any {
	var vip []string
	if c.APIVIP.IsValid() {
		vip = names(all.containing(netip.PrefixFrom(c.APIVIP, c.APIVIP.BitLen())), nil)
	}
	return map[string]any{
		"entity": Entity(c), "name": c.Name, "tenant": c.Tenant, "podCIDR": text(c.PodCIDR),
		"serviceCIDR": text(c.ServiceCIDR), "dnsDomain": c.DNSDomain, "apiVIP": text(c.APIVIP), "apiVIPNetworks": strs(vip),
		"apiServers": prefixTexts(c.APIServers), "cni": string(c.CNI),
		"weave": map[string]any{"ipAllocRange": text(c.Weave.IPAllocRange), "mtu": c.Weave.MTU},
	}
}

func indexDoc(p *network.Plan) map[string]any {
	roles := map[string][]string{}
	for _, r := range network.Roles {
		roles[string(r)] = []string{}
	}
	networks, services := map[string][]string{}, map[string][]string{}
	for _, n := range p.Networks {
		roles[string(n.Role)] = append(roles[string(n.Role)], n.Name)
		networks[n.Tenant] = append(networks[n.Tenant], n.Name)
	}
	for _, s := range p.Services {
		services[s.Tenant] = append(services[s.Tenant], serviceKey(s))
	}
	return map[string]any{"networksByRole": anyMap(roles), "networksByTenant": anyMap(networks), "servicesByTenant": anyMap(services)}
}

func anyMap(m map[string][]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func renderedDoc(rendered map[string][]map[string]any) map[string]any {
	doc := make(map[string]any, len(rendered))
	for site, objects := range rendered {
		list := make([]any, len(objects))
		for i, o := range objects {
			list[i] = o
		}
		doc[site] = list
	}
	return doc
}

func (f facts) doc() map[string]any {
	return map[string]any{
		"noncanonical":        names(f.Noncanonical, nil),
		"outsideParent":       names(f.OutsideParent, nil),
		"overlaps":            docs(f.Overlaps, func(o overlap) any { return map[string]any{"outer": o.Outer.Name, "inner": o.Inner.Name} }),
		"addressesOutside":    docs(f.AddressesOutside, holder.doc),
		"servicesOutsidePool": docs(f.ServicesOutsidePool, holder.doc),
		"boundaries": docs(f.Boundaries, func(b boundary) any {
			return map[string]any{"holder": b.holder.doc(), "network": b.Network.Name, "is": b.Is}
		}),
		"sharedIPs": docs(f.SharedIPs, func(g sharedIP) any {
			return map[string]any{"ip": g.IP.String(), "addresses": docs(g.Addresses, holder.doc), "services": docs(g.Services, holder.doc)}
		}),
		"quarantined": docs(f.Quarantined, func(h holding) any {
			return map[string]any{"holder": h.holder.doc(), "network": h.Network.Name}
		}),
	}
}

func (h holder) doc() any {
	doc := map[string]any{"kind": h.kind(), "key": h.key(), "ip": h.IP.String(), "network": "", "shared": ""}
	if h.In != nil {
		doc["network"] = h.In.Name
	}
	if h.addr != nil {
		doc["entity"], doc["shared"] = Entity(h.addr), h.addr.Shared
	} else {
		doc["entity"], doc["shared"] = Entity(h.svc), h.svc.SharingKey
	}
	return doc
}

func docs[T any](list []T, doc func(T) any) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = doc(v)
	}
	return out
}

// names lists the networks' names, leaving out skip.
func names(nets []*network.Network, skip *network.Network) []string {
	out := make([]string, 0, len(nets))
	for _, n := range nets {
		if n != skip {
			out = append(out, n.Name)
		}
	}
	return out
}

func prefixTexts(ps []netip.Prefix) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func strs(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// text is an address or prefix as written, or "" when it is not set.
func text(v interface {
	IsValid() bool
	String() string
}) string {
	if !v.IsValid() {
		return ""
	}
	return v.String()
}

# Tenancy rules: every network, service and VPN has a declared owner; tenants use only the pools, VPNs,
# namespaces and exposure granted to them; VPNs and tenants reach only what they are allowed to.
package netops.tenancy

import data.netops.lib

# METADATA
# title: Declared owners
# description: Every network, service and VPN belongs to a declared tenant.
# custom:
#   id: tenancy.owner
deny contains f if {
	some tenant, names in input.index.networksByTenant
	not input.tenants[tenant]
	some name in names
	e := input.networks[name].entity
	f := lib.finding(rego.metadata.rule(), e, owner_msg(e, tenant))
}

# METADATA
# custom:
#   id: tenancy.owner
deny contains f if {
	some tenant, keys in input.index.servicesByTenant
	not input.tenants[tenant]
	some key in keys
	e := input.services[key].entity
	f := lib.finding(rego.metadata.rule(), e, owner_msg(e, tenant))
}

# METADATA
# custom:
#   id: tenancy.owner
deny contains f if {
	some v in input.vpns
	not input.tenants[v.tenant]
	f := lib.finding(rego.metadata.rule(), v.entity, owner_msg(v.entity, v.tenant))
}

owner_msg(entity, "") := sprintf("%s belongs to no tenant; set tenant:", [entity])

owner_msg(entity, tenant) := sprintf("%s belongs to tenant %s, which is not declared; declare it, or fix the name", [entity, tenant]) if tenant != ""

# METADATA
# title: Granted pools
# description: >-
#   A service takes its IP from a pool its tenant is granted, and that the pool's own tenants and
#   namespaces lists, when it has them, allow.
# custom:
#   id: tenancy.pool-grant
deny contains f if {
	some s in input.services
	t := input.tenants[s.tenant]
	not s.pool in t.pools
	msg := sprintf("service %s uses pool %s, which tenant %s is not granted; add the pool to the tenant's pools, or use a granted one", [s.entity, s.pool, t.name])
	f := lib.pair(rego.metadata.rule(), s.entity, t.entity, msg)
}

# METADATA
# custom:
#   id: tenancy.pool-grant
deny contains f if {
	some s in input.services
	p := input.networks[s.pool]
	count(p.pool.tenants) > 0
	not s.tenant in p.pool.tenants
	msg := sprintf("service %s of tenant %s uses pool %s, which is only for tenants %s", [s.entity, s.tenant, p.name, concat(", ", p.pool.tenants)])
	f := lib.pair(rego.metadata.rule(), s.entity, p.entity, msg)
}

# METADATA
# custom:
#   id: tenancy.pool-grant
deny contains f if {
	some s in input.services
	p := input.networks[s.pool]
	count(p.pool.namespaces) > 0
	not s.namespace in p.pool.namespaces
	msg := sprintf("service %s in namespace %s uses pool %s, which is only for namespaces %s", [s.entity, s.namespace, p.name, concat(", ", p.pool.namespaces)])
	f := lib.pair(rego.metadata.rule(), s.entity, p.entity, msg)
}

# METADATA
# title: Granted VPNs
# description: A VPN carries only tenants that list it among their vpns.
# custom:
#   id: tenancy.vpn-grant
deny contains f if {
	some v in input.vpns
	some name in v.tenants
	t := input.tenants[name]
	not v.name in t.vpns
	msg := sprintf("VPN %s carries tenant %s, which is not granted it; add %s to the tenant's vpns, or take the tenant off the VPN", [v.name, name, v.name])
	f := lib.pair(rego.metadata.rule(), v.entity, t.entity, msg)
}

# METADATA
# title: Online exposure only when allowed
# description: Only tenants with online true place services in an online pool or behind the online ingress class.
# custom:
#   id: tenancy.online-exposure
deny contains f if {
	some t in input.tenants
	not t.online
	some key in object.get(input.index.servicesByTenant, t.name, [])
	s := input.services[key]
	why := {r | some [e, r] in online_use; e == s.entity}
	count(why) > 0
	msg := sprintf("service %s of tenant %s %s, but the tenant may not expose services online; set online: true on the tenant, or keep the service on the LAN", [s.entity, t.name, concat(" and ", sort(why))])
	f := lib.pair(rego.metadata.rule(), s.entity, t.entity, msg)
}

# online_classes are the ingress classes whose entrypoint service is exposed online.
online_classes contains s.ingressClass if {
	some s in input.services
	s.ingress
	s.exposure == "online"
}

online_use contains [s.entity, "is exposed online"] if {
	some s in input.services
	s.exposure == "online"
}

online_use contains [s.entity, sprintf("uses the online pool %s", [s.pool])] if {
	some s in input.services
	input.networks[s.pool].pool.exposure == "online"
}

online_use contains [s.entity, sprintf("uses the online ingress class %s", [s.ingressClass])] if {
	some s in input.services
	s.ingressClass in online_classes
}

# on_vpn is every tenant a VPN carries, its owner included.
on_vpn(v) := {v.tenant} | {t | some t in v.tenants}

# guests are the tenants on a VPN that own neither the VPN nor any network it routes to.
guests(v) := {t |
	some t in v.tenants
	t != v.tenant
	not owns_route(v, t)
}

owns_route(v, t) if {
	some r in v.routes
	input.networks[r].tenant == t
}

granted(t, n) if t in n.reachableBy

granted(t, n) if n.name in input.tenants[t].reaches

# METADATA
# title: VPNs reach no other tenant's private networks
# description: >-
#   A VPN routes to a private network only when the network's tenant is on the VPN, and only when every
#   guest on it (a tenant that owns neither the VPN nor any network it routes to) may reach that network.
#   So a VPN shared with guests reaches shared networks only.
# custom:
#   id: tenancy.vpn-reach
deny contains f if {
	some v in input.vpns
	some r in v.routes
	n := input.networks[r]
	n.access == "private"
	not n.tenant in on_vpn(v)
	msg := sprintf("VPN %s routes to %s, a private network of tenant %s, which is not on the VPN; drop the route, or make the network shared", [v.name, lib.net(n), n.tenant])
	f := lib.pair(rego.metadata.rule(), v.entity, n.entity, msg)
}

# METADATA
# custom:
#   id: tenancy.vpn-reach
deny contains f if {
	some v in input.vpns
	some r in v.routes
	n := input.networks[r]
	n.access == "private"
	n.tenant in on_vpn(v)
	some g in guests(v)
	not granted(g, n)
	msg := sprintf("VPN %s routes to %s, a private network of tenant %s, and carries guest tenant %s, which may not reach it; drop the route, or list %s in the network's reachableBy", [v.name, lib.net(n), n.tenant, g, g])
	f := lib.pair(rego.metadata.rule(), v.entity, n.entity, msg)
}

# METADATA
# title: IoT networks reached only when allowed
# description: >-
#   An IoT network is reached by its own tenant and by the tenants its reachableBy lists; no other
#   tenant's reaches, and no VPN carrying another tenant, lead to it.
# custom:
#   id: tenancy.iot-reach
deny contains f if {
	some t in input.tenants
	some r in t.reaches
	n := input.networks[r]
	n.role == "iot"
	n.tenant != t.name
	not t.name in n.reachableBy
	msg := sprintf("tenant %s reaches IoT network %s of tenant %s, which does not list it in reachableBy; add %s there, or drop the reach", [t.name, lib.net(n), n.tenant, t.name])
	f := lib.pair(rego.metadata.rule(), t.entity, n.entity, msg)
}

# METADATA
# custom:
#   id: tenancy.iot-reach
deny contains f if {
	some v in input.vpns
	some r in v.routes
	n := input.networks[r]
	n.role == "iot"
	some t in on_vpn(v)
	t != n.tenant
	not t in n.reachableBy
	msg := sprintf("VPN %s routes to IoT network %s and carries tenant %s, which may not reach it; drop the route, or list %s in the network's reachableBy", [v.name, lib.net(n), t, t])
	f := lib.pair(rego.metadata.rule(), v.entity, n.entity, msg)
}

# METADATA
# title: Services in their tenant's namespaces
# description: A service lives in a namespace of its tenant, and no namespace belongs to two tenants.
# custom:
#   id: tenancy.namespace
deny contains f if {
	some s in input.services
	t := input.tenants[s.tenant]
	not s.namespace in t.namespaces
	msg := sprintf("service %s is in namespace %s, which tenant %s does not own; add the namespace to the tenant, or move the service", [s.entity, s.namespace, t.name])
	f := lib.pair(rego.metadata.rule(), s.entity, t.entity, msg)
}

# METADATA
# custom:
#   id: tenancy.namespace
deny contains f if {
	some ns, owners in namespace_owners
	count(owners) > 1
	names := sort(owners)
	some name in array.slice(names, 1, count(names))
	msg := sprintf("namespace %s belongs to tenants %s; give it to one of them", [ns, concat(" and ", names)])
	f := lib.pair(rego.metadata.rule(), input.tenants[name].entity, input.tenants[names[0]].entity, msg)
}

namespace_owners[ns] contains t.name if {
	some t in input.tenants
	some ns in t.namespaces
}

# METADATA
# title: Other tenants' networks reached only with their consent
# description: >-
#   A tenant reaches another tenant's network only when that tenant lists it in the network's
#   reachableBy. The finding is at the tenant whose reaches grants it. IoT networks have their own
#   rule, tenancy.iot-reach.
# custom:
#   id: tenancy.reach-consent
deny contains f if {
	some t in input.tenants
	some r in t.reaches
	n := input.networks[r]
	n.role != "iot"
	n.tenant != t.name
	not t.name in n.reachableBy
	msg := sprintf("tenant %s reaches %s of tenant %s, which does not list it in reachableBy; add %s there, or drop the reach", [t.name, lib.net(n), n.tenant, t.name])
	f := lib.pair(rego.metadata.rule(), t.entity, n.entity, msg)
}

# METADATA
# title: LAN services that keep the client's address
# description: >-
#   A LAN service kept at externalTrafficPolicy Cluster sees every client as the node that took the
#   packet: on Weave Net an address of the pod CIDR (weaveworks/weave docs/k8s-src-ip.md). Its policy
#   must admit the whole pod CIDR, so it cannot tell clients apart. netops renders Local unless the
#   plan asks for Cluster.
# custom:
#   id: tenancy.client-address
warn contains f if {
	some s in input.services
	s.exposure == "lan"
	s.externalTrafficPolicy == "Cluster"
	c := input.clusters[input.sites[input.networks[s.pool].site].cluster]
	msg := sprintf("service %s keeps externalTrafficPolicy Cluster: on %s its pods see every client as a node's address in the pod CIDR %s, so its policy admits that whole range and cannot tell clients apart; drop externalTrafficPolicy to render Local", [s.entity, c.cni, c.podCIDR])
	f := lib.finding(rego.metadata.rule(), s.entity, msg)
}

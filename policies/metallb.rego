# MetalLB rules: pools inside the services network, apart from each other and local to their site when
# announced in L2 mode; fixed service IPs inside their pool and unique unless shared on purpose.
package netops.metallb

import data.netops.lib

pools := input.index.networksByRole.pool

# METADATA
# title: Pools inside the services network
# description: Every pool lies inside a network with role loadbalancer at its own site.
# custom:
#   id: metallb.pool-placement
deny contains f if {
	some name in pools
	n := input.networks[name]
	not in_loadbalancer(n)
	msg := sprintf("pool %s does not lie in a network with role loadbalancer at site %s; nest it under the site's services network", [lib.net(n), n.site])
	f := lib.finding(rego.metadata.rule(), n.entity, msg)
}

in_loadbalancer(n) if {
	some c in n.containers
	m := input.networks[c]
	m.role == "loadbalancer"
	m.site == n.site
}

# pool_pairs lists each two pools that share addresses, the outer one first. For CIDR prefixes sharing
# means that one contains the other, which input.networks[_].containers says.
pool_pairs contains [outer, inner] if {
	some name in pools
	inner := input.networks[name]
	some c in inner.containers
	outer := input.networks[c]
	outer.role == "pool"
	not same_prefix_later(outer, inner)
}

# same_prefix_later keeps one pair of two pools with the same prefix.
same_prefix_later(outer, inner) if {
	outer.masked == inner.masked
	outer.name > inner.name
}

# METADATA
# title: No overlapping pools
# description: No two pools share an address, at any site.
# custom:
#   id: metallb.pool-overlap
deny contains f if {
	some [outer, inner] in pool_pairs
	outer.pool.exposure == inner.pool.exposure
	msg := sprintf("pool %s overlaps pool %s; MetalLB would hand out their shared addresses twice; give each its own range", [lib.net(outer), lib.net(inner)])
	f := lib.pair(rego.metadata.rule(), outer.entity, inner.entity, msg)
}

# METADATA
# title: LAN and online pools distinct
# description: A LAN pool and an online pool share no address.
# custom:
#   id: metallb.lan-online-overlap
deny contains f if {
	some [outer, inner] in pool_pairs
	outer.pool.exposure != inner.pool.exposure
	msg := sprintf("%s pool %s overlaps %s pool %s; keep LAN and online addresses apart", [outer.pool.exposure, lib.net(outer), inner.pool.exposure, lib.net(inner)])
	f := lib.pair(rego.metadata.rule(), outer.entity, inner.entity, msg)
}

# METADATA
# title: Service exposure matches its pool
# description: A service exposed online takes its IP from an online pool, and a LAN service from a LAN pool.
# custom:
#   id: metallb.service-exposure
deny contains f if {
	some s in input.services
	p := input.networks[s.pool]
	s.exposure != p.pool.exposure
	msg := sprintf("service %s is exposed %s but takes its IP from %s pool %s; take the IP from a pool with exposure %s, or change its exposure", [s.entity, s.exposure, p.pool.exposure, p.name, s.exposure])
	f := lib.pair(rego.metadata.rule(), s.entity, p.entity, msg)
}

# METADATA
# title: Fixed IPs inside their pool
# custom:
#   id: metallb.service-ip-outside-pool
deny contains f if {
	some s in input.facts.servicesOutsidePool
	p := input.networks[s.network]
	msg := sprintf("%s asks for %s, which is not in its pool %s; pick an IP from the pool", [s.entity, s.ip, lib.net(p)])
	f := lib.pair(rego.metadata.rule(), s.entity, p.entity, msg)
}

# METADATA
# title: Unique fixed IPs
# description: >-
#   Two services share an IP only when they set the same sharing key and use different protocol/port
#   pairs, such as DNS over UDP and TCP.
# custom:
#   id: metallb.duplicate-service-ip
deny contains f if {
	some g in input.facts.sharedIPs
	count(g.addresses) == 0
	not lib.one_shared_key(g.services)
	some i, s in g.services
	i > 0
	first := g.services[0]
	msg := sprintf("%s uses %s, as %s does, without a common sharing key; set the same sharingKey on both, or give it its own IP", [s.entity, g.ip, first.entity])
	f := lib.pair(rego.metadata.rule(), s.entity, first.entity, msg)
}

# METADATA
# custom:
#   id: metallb.duplicate-service-ip
deny contains f if {
	some g in input.facts.sharedIPs
	count(g.addresses) == 0
	lib.one_shared_key(g.services)
	some i, j
	a := input.services[g.services[i].key]
	b := input.services[g.services[j].key]
	i < j
	clashes := {sprintf("%s/%d", [pa.protocol, pa.port]) | some pa in a.ports; some pb in b.ports; pa.port == pb.port; pa.protocol == pb.protocol}
	count(clashes) > 0
	msg := sprintf("%s and %s share %s and both use %s; MetalLB cannot share an IP on the same port", [b.entity, a.entity, g.ip, concat(", ", sort(clashes))])
	f := lib.pair(rego.metadata.rule(), b.entity, a.entity, msg)
}

# METADATA
# title: L2 pools stay local
# description: >-
#   A pool announced in L2 mode lies in its own site's networks only: L2 announcement works inside one
#   L2 segment.
# custom:
#   id: metallb.l2-pool-site
deny contains f if {
	some name in pools
	n := input.networks[name]
	n.pool.mode == "l2"
	some c in n.containers
	m := input.networks[c]
	m.site != ""
	m.site != n.site
	msg := sprintf("L2 pool %s of site %s lies in %s of site %s; L2 announcements do not cross sites: use a range of site %s, or BGP", [lib.net(n), n.site, lib.net(m), m.site, n.site])
	f := lib.pair(rego.metadata.rule(), n.entity, m.entity, msg)
}

# METADATA
# title: Fixed IPs off .0 and .255
# description: Some clients drop traffic to addresses ending in .0 or .255 (see MetalLB's avoidBuggyIPs).
# custom:
#   id: metallb.buggy-ip
warn contains f if {
	some s in input.services
	lib.ipv4_edge(s.ip)
	not input.networks[s.pool].pool.avoidBuggyIPs # then MetalLB refuses it: metallb.buggy-ip-refused
	msg := sprintf("service %s uses %s; some clients drop addresses ending in .0 or .255: pick another IP", [s.entity, s.ip])
	f := lib.finding(rego.metadata.rule(), s.entity, msg)
}

# METADATA
# title: No .0 or .255 from a pool that avoids them
# description: >-
#   MetalLB refuses to give a service an IP ending in .0 or .255 from a pool with avoidBuggyIPs: true,
#   so the service would never get its address.
# custom:
#   id: metallb.buggy-ip-refused
deny contains f if {
	some s in input.services
	lib.ipv4_edge(s.ip)
	input.networks[s.pool].pool.avoidBuggyIPs
	msg := sprintf("service %s asks for %s, but its pool %s sets avoidBuggyIPs: true and MetalLB refuses addresses ending in .0 or .255: pick another IP", [s.entity, s.ip, s.pool])
	f := lib.finding(rego.metadata.rule(), s.entity, msg)
}

# METADATA
# title: Pools avoid .0 and .255
# description: A pool whose range holds addresses ending in .0 or .255 sets avoidBuggyIPs, unless it assigns no IP itself.
# custom:
#   id: metallb.avoid-buggy-ips
warn contains f if {
	some name in pools
	n := input.networks[name]
	not n.pool.avoidBuggyIPs
	n.pool.autoAssign
	edge_range(n)
	msg := sprintf("pool %s holds addresses ending in .0 or .255 and MetalLB may assign them; set avoidBuggyIPs: true", [lib.net(n)])
	f := lib.finding(rego.metadata.rule(), n.entity, msg)
}

edge_range(n) if lib.ipv4_edge(n.first)

edge_range(n) if lib.ipv4_edge(n.last)

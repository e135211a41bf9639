# CIDR rules: every prefix canonical, networks nested or apart, every address inside its network, off
# the network and broadcast addresses, unique, and out of unused networks. Overlap, containment and
# uniqueness are computed by netops in Go and given as input.facts, so that no rule compares pairs.
package netops.cidr

import data.netops.lib

# METADATA
# title: Canonical prefixes
# description: >-
#   A prefix has no host bits set. MetalLB and the API server accept one that has, and silently mask it.
# custom:
#   id: cidr.canonical
deny contains f if {
	some name in input.facts.noncanonical
	n := input.networks[name]
	msg := sprintf("prefix %s of network %s has host bits set, so it means %s; write %s, or the prefix you meant", [n.prefix, name, n.masked, n.masked])
	f := lib.finding(rego.metadata.rule(), n.entity, msg)
}

# METADATA
# title: Children inside their parent
# description: A nested network lies inside the network it is declared in.
# custom:
#   id: cidr.nesting
deny contains f if {
	some name in input.facts.outsideParent
	n := input.networks[name]
	p := input.networks[n.parent]
	msg := sprintf("network %s is declared inside %s but does not lie in it; fix the prefix, or move the network", [lib.net(n), lib.net(p)])
	f := lib.pair(rego.metadata.rule(), n.entity, p.entity, msg)
}

# METADATA
# title: No overlapping networks
# description: >-
#   Two networks share no address unless one is declared inside the other. Each overlap is reported once,
#   at the highest level of nesting where it occurs. Overlaps of two pools, or of a cluster or VPN range,
#   have rules of their own.
# custom:
#   id: cidr.overlap
deny contains f if {
	some o in input.facts.overlaps
	not lib.cluster_range(o)
	not lib.both_pools(o)
	a := input.networks[o.outer]
	b := input.networks[o.inner]
	msg := sprintf("network %s overlaps network %s, which is not nested in it; renumber one of them, or nest %s under %s", [lib.net(a), lib.net(b), b.name, a.name])
	f := lib.pair(rego.metadata.rule(), a.entity, b.entity, msg)
}

# METADATA
# title: Addresses inside their network
# custom:
#   id: cidr.address-outside
deny contains f if {
	some a in input.facts.addressesOutside
	n := input.networks[a.network]
	msg := sprintf("%s (%s) is not in its network %s; fix the IP, or move the address to the network it is in", [a.entity, a.ip, lib.net(n)])
	f := lib.pair(rego.metadata.rule(), a.entity, n.entity, msg)
}

# METADATA
# title: No network or broadcast address
# description: >-
#   No address or fixed service IP is the network or broadcast address of its segment (IPv4, /0 to /30).
#   The segment is the nearest enclosing network that is not a pool: a pool is a slice of a segment.
# custom:
#   id: cidr.address-boundary
deny contains f if {
	some b in input.facts.boundaries
	n := input.networks[b.network]
	msg := sprintf("%s uses %s, the %s address of %s; pick another IP", [b.holder.entity, b.holder.ip, b.is, lib.net(n)])
	f := lib.pair(rego.metadata.rule(), b.holder.entity, n.entity, msg)
}

# METADATA
# title: Unique addresses
# description: >-
#   No two addresses use one IP, unless every address on it sets the same shared key; an address and a
#   service never share an IP.
# custom:
#   id: cidr.duplicate-ip
deny contains f if {
	some g in input.facts.sharedIPs
	count(g.services) == 0
	not lib.one_shared_key(g.addresses)
	some i, a in g.addresses
	i > 0
	first := g.addresses[0]
	msg := sprintf("%s uses %s, as %s does; give it its own IP, or set the same shared: key on both", [a.entity, g.ip, first.entity])
	f := lib.pair(rego.metadata.rule(), a.entity, first.entity, msg)
}

# METADATA
# custom:
#   id: cidr.duplicate-ip
deny contains f if {
	some g in input.facts.sharedIPs
	count(g.addresses) > 0
	some s in g.services
	a := g.addresses[0]
	msg := sprintf("%s uses %s, which %s holds; give the service another IP from its pool", [s.entity, g.ip, a.entity])
	f := lib.pair(rego.metadata.rule(), s.entity, a.entity, msg)
}

# METADATA
# title: Unused networks stay empty
# description: A network with role unused (a quarantine) holds no address and no service IP.
# custom:
#   id: cidr.unused-empty
deny contains f if {
	some q in input.facts.quarantined
	n := input.networks[q.network]
	msg := sprintf("%s (%s) lies in %s, which has role unused and must stay empty; move it to a network in use", [q.holder.entity, q.holder.ip, lib.net(n)])
	f := lib.pair(rego.metadata.rule(), q.holder.entity, n.entity, msg)
}

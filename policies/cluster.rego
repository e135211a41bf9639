# Cluster rules: the pod and service CIDRs, Weave's allocation range, the VPN prefixes and the API VIP
# stay clear of the site networks and of each other.
package netops.cluster

import data.netops.lib

# METADATA
# title: Cluster ranges stay clear
# description: >-
#   The pod CIDR, the service CIDR and the VPN prefixes overlap no site network and no other range.
# custom:
#   id: cluster.range-overlap
deny contains f if {
	some o in input.facts.overlaps
	lib.cluster_range(o)
	a := input.networks[o.outer]
	b := input.networks[o.inner]
	msg := sprintf("%s network %s overlaps %s network %s; the pod and service CIDRs and the VPN prefixes share no address with any other network", [a.role, lib.net(a), b.role, lib.net(b)])
	f := lib.pair(rego.metadata.rule(), a.entity, b.entity, msg)
}

# METADATA
# title: Weave allocates from the pod CIDR
# description: Weave's ipAllocRange equals the cluster's pod CIDR.
# custom:
#   id: cluster.weave-range
deny contains f if {
	some c in input.clusters
	c.weave.ipAllocRange != c.podCIDR
	msg := sprintf("Weave's ipAllocRange %s differs from the pod CIDR %s; remove ipAllocRange, or set it to the pod CIDR", [c.weave.ipAllocRange, c.podCIDR])
	f := lib.finding(rego.metadata.rule(), c.entity, msg)
}

# METADATA
# title: API VIP in a VIP network
# description: >-
#   The API server's VIP lies in a network with role vip, and in no narrower network of another role
#   such as a pool or a cluster range.
# custom:
#   id: cluster.api-vip
deny contains f if {
	some c in input.clusters
	c.apiVIP != ""
	count(c.apiVIPNetworks) == 0
	msg := sprintf("the API VIP %s lies in no network of the plan; put it in a network with role vip", [c.apiVIP])
	f := lib.finding(rego.metadata.rule(), c.entity, msg)
}

# METADATA
# custom:
#   id: cluster.api-vip
deny contains f if {
	some c in input.clusters
	n := input.networks[c.apiVIPNetworks[count(c.apiVIPNetworks) - 1]]
	n.role != "vip"
	msg := sprintf("the API VIP %s lies in %s, whose role is %s; put it in a network with role vip", [c.apiVIP, lib.net(n), n.role])
	f := lib.pair(rego.metadata.rule(), c.entity, n.entity, msg)
}

# METADATA
# title: API servers as written prefixes
# description: >-
#   Each apiServers entry is a prefix without host bits, since the NetworkPolicies that let pods reach
#   the API would drop them.
# custom:
#   id: cluster.api-servers
deny contains f if {
	some c in input.clusters
	some s in object.get(c, "apiServers", [])
	canonical := net.cidr_merge([s])
	not s in canonical
	msg := sprintf("apiServers entry %s has host bits set; write %s, or a /32 for one address", [s, concat(", ", canonical)])
	f := lib.finding(rego.metadata.rule(), c.entity, msg)
}

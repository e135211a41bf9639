# Helpers that every built-in rule shares.
#
# A rule reports a finding: an object with the rule id taken from the rule's METADATA (custom.id), the
# entity it is about as "kind/name", an optional related entity, and a message. netops adds the severity
# (from the rule's name: deny or warn) and the entity's file:line.
package netops.lib

finding(meta, entity, msg) := {"rule": meta.custom.id, "entity": entity, "msg": msg}

pair(meta, entity, related, msg) := {"rule": meta.custom.id, "entity": entity, "related": related, "msg": msg}

# cluster_roles are the roles of the ranges that the cluster and the VPNs use.
cluster_roles := {"pod", "service", "vpn"}

# cluster_range holds when either side of an overlap is a cluster or VPN range.
cluster_range(o) if input.networks[o.outer].role in cluster_roles

cluster_range(o) if input.networks[o.inner].role in cluster_roles

# both_pools holds when both sides of an overlap are MetalLB pools.
both_pools(o) if {
	input.networks[o.outer].role == "pool"
	input.networks[o.inner].role == "pool"
}

# net names a network for a message.
net(n) := sprintf("%s (%s)", [n.name, n.prefix])

# ipv4_edge holds for an IPv4 address whose last byte is 0 or 255.
ipv4_edge(ip) if {
	contains(ip, ".")
	endswith(ip, ".0")
}

ipv4_edge(ip) if {
	contains(ip, ".")
	endswith(ip, ".255")
}

# one_shared_key holds when every holder of an IP sets the same, non-empty sharing key.
one_shared_key(holders) if {
	keys := {h.shared | some h in holders}
	count(keys) == 1
	not "" in keys
}

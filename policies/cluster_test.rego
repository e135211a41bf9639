package netops.cluster_test

import data.netops.cluster

networks := {
	"lan": {"entity": "network/lan", "name": "lan", "prefix": "10.244.1.0/24", "role": "clients"},
	"pods": {"entity": "network/pods", "name": "pods", "prefix": "10.244.0.0/16", "role": "pod"},
	"vip": {"entity": "network/vip", "name": "vip", "prefix": "192.168.5.0/24", "role": "vip"},
	"pool": {"entity": "network/pool", "name": "pool", "prefix": "192.168.5.0/25", "role": "pool"},
}

homelab(x) := object.union(
	{
		"entity": "cluster/homelab",
		"podCIDR": "10.244.0.0/16",
		"apiVIP": "192.168.5.100",
		"apiVIPNetworks": ["vip"],
		"weave": {"ipAllocRange": "10.244.0.0/16"},
	},
	x,
)

plan(c, overlaps) := {"networks": networks, "clusters": {"homelab": c}, "facts": {"overlaps": overlaps}}

test_clean_cluster if {
	count(cluster.deny) == 0 with input as plan(homelab({}), [])
}

test_range_overlap_fires if {
	f := cluster.deny with input as plan(homelab({}), [{"outer": "pods", "inner": "lan"}])
	f == {{
		"rule": "cluster.range-overlap", "entity": "network/pods", "related": "network/lan",
		"msg": "pod network pods (10.244.0.0/16) overlaps clients network lan (10.244.1.0/24); the pod and service CIDRs and the VPN prefixes share no address with any other network",
	}}
}

test_range_overlap_leaves_site_networks_to_cidr if {
	count(cluster.deny) == 0 with input as plan(homelab({}), [{"outer": "vip", "inner": "pool"}])
}

test_weave_range_fires if {
	f := cluster.deny with input as plan(homelab({"weave": {"ipAllocRange": "10.32.0.0/12"}}), [])
	some x in f
	x.rule == "cluster.weave-range"
	x.entity == "cluster/homelab"
}

test_api_vip_outside_every_network if {
	f := cluster.deny with input as plan(homelab({"apiVIP": "172.16.0.1", "apiVIPNetworks": []}), [])
	some x in f
	x.rule == "cluster.api-vip"
	contains(x.msg, "lies in no network")
}

test_api_vip_in_a_pool if {
	f := cluster.deny with input as plan(homelab({"apiVIPNetworks": ["vip", "pool"]}), [])
	some x in f
	x.rule == "cluster.api-vip"
	x.related == "network/pool"
}

test_no_api_vip_is_fine if {
	count(cluster.deny) == 0 with input as plan(homelab({"apiVIP": "", "apiVIPNetworks": []}), [])
}

test_api_servers_canonical if {
	count(cluster.deny) == 0 with input as plan(homelab({"apiServers": ["192.168.5.0/24", "192.168.5.7/32"]}), [])
}

test_api_servers_host_bits_fire if {
	f := cluster.deny with input as plan(homelab({"apiServers": ["192.168.5.7/24"]}), [])
	count(f) == 1
	some x in f
	x.rule == "cluster.api-servers"
	x.msg == "apiServers entry 192.168.5.7/24 has host bits set; write 192.168.5.0/24, or a /32 for one address"
}

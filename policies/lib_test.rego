package netops.lib_test

import data.netops.lib

test_finding_takes_the_id_from_metadata if {
	lib.finding({"custom": {"id": "x.y"}}, "network/a", "m") == {"rule": "x.y", "entity": "network/a", "msg": "m"}
}

test_pair_names_the_related_entity if {
	f := lib.pair({"custom": {"id": "x.y"}}, "network/a", "network/b", "m")
	f.related == "network/b"
}

test_cluster_range if {
	lib.cluster_range({"outer": "a", "inner": "b"}) with input as {"networks": {"a": {"role": "clients"}, "b": {"role": "pod"}}}
	not lib.cluster_range({"outer": "a", "inner": "b"}) with input as {"networks": {"a": {"role": "clients"}, "b": {"role": "iot"}}}
}

test_both_pools if {
	lib.both_pools({"outer": "a", "inner": "b"}) with input as {"networks": {"a": {"role": "pool"}, "b": {"role": "pool"}}}
	not lib.both_pools({"outer": "a", "inner": "b"}) with input as {"networks": {"a": {"role": "loadbalancer"}, "b": {"role": "pool"}}}
}

test_ipv4_edge if {
	lib.ipv4_edge("192.168.6.0")
	lib.ipv4_edge("192.168.6.255")
	not lib.ipv4_edge("192.168.6.10")
	not lib.ipv4_edge("192.168.6.128")
	not lib.ipv4_edge("fd00::255")
}

test_one_shared_key if {
	lib.one_shared_key([{"shared": "dns"}, {"shared": "dns"}])
	not lib.one_shared_key([{"shared": "dns"}, {"shared": "web"}])
	not lib.one_shared_key([{"shared": ""}, {"shared": ""}])
}

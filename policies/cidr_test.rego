package netops.cidr_test

import data.netops.cidr

# base is a small, clean plan as netops gives it to the policies.
base := {
	"networks": {
		"lan": {"entity": "network/lan", "name": "lan", "prefix": "192.168.2.0/24", "masked": "192.168.2.0/24", "role": "clients", "parent": ""},
		"quarantine": {"entity": "network/quarantine", "name": "quarantine", "prefix": "192.168.1.0/24", "masked": "192.168.1.0/24", "role": "unused", "parent": ""},
		"vip": {"entity": "network/vip", "name": "vip", "prefix": "192.168.5.0/20", "masked": "192.168.0.0/20", "role": "vip", "parent": ""},
		"lan-pool": {"entity": "network/lan-pool", "name": "lan-pool", "prefix": "192.168.6.0/25", "masked": "192.168.6.0/25", "role": "pool", "parent": "lan"},
		"pods": {"entity": "network/pods", "name": "pods", "prefix": "10.244.0.0/16", "masked": "10.244.0.0/16", "role": "pod", "parent": ""},
	},
	"facts": {},
}

# holders are addresses and services as the facts name them.
router := {"kind": "address", "key": "home/router", "entity": "address/home/router", "ip": "192.168.2.1", "network": "lan", "shared": ""}

nas := {"kind": "address", "key": "home/nas", "entity": "address/home/nas", "ip": "192.168.2.1", "network": "lan", "shared": ""}

paired(name) := {"kind": "address", "key": concat("/", ["home", name]), "entity": concat("/", ["address/home", name]), "ip": "192.168.2.9", "network": "lan", "shared": "pair"}

plex := {"kind": "service", "key": "media/plex", "entity": "service/media/plex", "ip": "192.168.2.1", "network": "lan-pool", "shared": ""}

facts(x) := object.union(base, {"facts": x})

test_canonical_fires if {
	f := cidr.deny with input as facts({"noncanonical": ["vip"]})
	some x in f
	x.rule == "cidr.canonical"
	x.entity == "network/vip"
	contains(x.msg, "192.168.0.0/20")
}

test_canonical_quiet if {
	f := cidr.deny with input as facts({"noncanonical": []})
	count(f) == 0
}

test_nesting_fires if {
	f := cidr.deny with input as facts({"outsideParent": ["lan-pool"]})
	f == {{"rule": "cidr.nesting", "entity": "network/lan-pool", "related": "network/lan", "msg": "network lan-pool (192.168.6.0/25) is declared inside lan (192.168.2.0/24) but does not lie in it; fix the prefix, or move the network"}}
}

test_overlap_fires if {
	f := cidr.deny with input as facts({"overlaps": [{"outer": "vip", "inner": "lan"}]})
	some x in f
	x.rule == "cidr.overlap"
	x.entity == "network/vip"
	x.related == "network/lan"
}

test_overlap_leaves_cluster_ranges_and_pools_to_their_rules if {
	inp := object.union(base, {
		"networks": {"pool2": {"entity": "network/pool2", "name": "pool2", "prefix": "192.168.6.0/26", "role": "pool"}},
		"facts": {"overlaps": [{"outer": "pods", "inner": "lan"}, {"outer": "lan-pool", "inner": "pool2"}]},
	})
	f := cidr.deny with input as inp
	count(f) == 0
}

test_address_outside_fires if {
	f := cidr.deny with input as facts({"addressesOutside": [router]})
	some x in f
	x.rule == "cidr.address-outside"
	x.entity == "address/home/router"
}

test_boundary_fires_for_addresses_and_services if {
	f := cidr.deny with input as facts({"boundaries": [
		{"holder": object.union(router, {"ip": "192.168.2.0"}), "network": "lan", "is": "network"},
		{"holder": object.union(plex, {"ip": "192.168.2.255"}), "network": "lan", "is": "broadcast"},
	]})
	{x.entity | some x in f; x.rule == "cidr.address-boundary"} == {"address/home/router", "service/media/plex"}
}

test_duplicate_ip_fires if {
	f := cidr.deny with input as facts({"sharedIPs": [{"ip": "192.168.2.1", "addresses": [router, nas], "services": []}]})
	f == {{"rule": "cidr.duplicate-ip", "entity": "address/home/nas", "related": "address/home/router", "msg": "address/home/nas uses 192.168.2.1, as address/home/router does; give it its own IP, or set the same shared: key on both"}}
}

test_duplicate_ip_allows_a_shared_key if {
	f := cidr.deny with input as facts({"sharedIPs": [{"ip": "192.168.2.9", "addresses": [paired("a"), paired("b")], "services": []}]})
	count(f) == 0
}

test_duplicate_ip_address_and_service if {
	f := cidr.deny with input as facts({"sharedIPs": [{"ip": "192.168.2.1", "addresses": [router], "services": [plex]}]})
	some x in f
	x.entity == "service/media/plex"
	x.related == "address/home/router"
}

test_unused_empty_fires if {
	f := cidr.deny with input as facts({"quarantined": [{"holder": object.union(router, {"ip": "192.168.1.7"}), "network": "quarantine"}]})
	some x in f
	x.rule == "cidr.unused-empty"
	x.related == "network/quarantine"
}

test_unused_empty_quiet if {
	f := cidr.deny with input as facts({"quarantined": []})
	count(f) == 0
}

test_shared_key_must_be_one_and_set if {
	f := cidr.deny with input as facts({"sharedIPs": [{"ip": "192.168.2.9", "addresses": [paired("a"), object.union(paired("b"), {"shared": ""})], "services": []}]})
	count(f) == 1
}

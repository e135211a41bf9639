package netops.metallb_test

import data.netops.metallb

pool(name, prefix, exposure, containers) := {
	"entity": sprintf("network/%s", [name]), "name": name, "prefix": prefix, "masked": prefix, "role": "pool", "site": "home",
	"first": "192.168.6.1", "last": "192.168.6.126", "containers": containers,
	"pool": {"exposure": exposure, "mode": "l2", "avoidBuggyIPs": true, "autoAssign": true, "tenants": [], "namespaces": []},
}

networks := {
	"services": {"entity": "network/services", "name": "services", "prefix": "192.168.6.0/24", "role": "loadbalancer", "site": "home", "containers": []},
	"lan-pool": pool("lan-pool", "192.168.6.0/25", "lan", ["services"]),
	"online-pool": pool("online-pool", "192.168.6.128/25", "online", ["services"]),
}

# holder is a service as the facts name it.
holder(s) := {"kind": "service", "key": concat("/", [s.namespace, s.name]), "entity": s.entity, "ip": s.ip, "network": s.pool, "shared": s.sharingKey}

service(name, ip, x) := object.union(
	{
		"entity": sprintf("service/apps/%s", [name]), "name": name, "namespace": "apps",
		"pool": "lan-pool", "ip": ip, "exposure": "lan", "sharingKey": "", "ports": [{"port": 53, "protocol": "UDP"}],
	},
	x,
)

plan(nets, services, facts) := {
	"networks": nets,
	"services": services,
	"index": {"networksByRole": {"pool": [name | some name, n in nets; n.role == "pool"]}},
	"facts": facts,
}

clean := plan(networks, {"apps/dns": service("dns", "192.168.6.53", {})}, {})

ids(x) := {f.rule | some f in x}

# shared is the fact that the services share 192.168.6.9.
shared(svcs) := {"sharedIPs": [{"ip": "192.168.6.9", "addresses": [], "services": [holder(s) | some s in svcs]}]}

test_clean_pools if {
	count(metallb.deny) == 0 with input as clean
	count(metallb.warn) == 0 with input as clean
}

test_pool_placement_fires if {
	nets := object.union(networks, {"lan-pool": {"containers": []}})
	inp := plan(nets, {}, {})
	ids(metallb.deny) == {"metallb.pool-placement"} with input as inp
}

# a services network at another site neither holds the pools nor may announce them in L2 mode
test_pool_placement_needs_the_same_site if {
	nets := object.union(networks, {"services": {"site": "cabin"}})
	inp := plan(nets, {}, {})
	ids(metallb.deny) == {"metallb.pool-placement", "metallb.l2-pool-site"} with input as inp
}

test_pool_overlap_fires if {
	nets := object.union(networks, {"lan-pool-2": pool("lan-pool-2", "192.168.6.64/26", "lan", ["services", "lan-pool"])})
	inp := plan(nets, {}, {})
	f := metallb.deny with input as inp
	f == {{
		"rule": "metallb.pool-overlap", "entity": "network/lan-pool", "related": "network/lan-pool-2",
		"msg": "pool lan-pool (192.168.6.0/25) overlaps pool lan-pool-2 (192.168.6.64/26); MetalLB would hand out their shared addresses twice; give each its own range",
	}}
}

test_pool_overlap_same_prefix_once if {
	nets := object.union(networks, {"twin": pool("twin", "192.168.6.0/25", "lan", ["services", "lan-pool"]), "lan-pool": {"containers": ["services", "twin"]}})
	inp := plan(nets, {}, {})
	f := metallb.deny with input as inp
	count(f) == 1
}

test_lan_online_overlap_fires if {
	nets := object.union(networks, {"online-2": pool("online-2", "192.168.6.0/26", "online", ["services", "lan-pool"])})
	inp := plan(nets, {}, {})
	ids(metallb.deny) == {"metallb.lan-online-overlap"} with input as inp
}

test_service_exposure_fires if {
	inp := plan(networks, {"apps/web": service("web", "192.168.6.10", {"exposure": "online"})}, {})
	ids(metallb.deny) == {"metallb.service-exposure"} with input as inp
}

test_service_exposure_message_names_the_exposure if {
	inp := plan(networks, {"apps/web": service("web", "192.168.6.10", {"exposure": "online"})}, {})
	some f in metallb.deny with input as inp
	contains(f.msg, "from lan pool lan-pool; take the IP from a pool with exposure online")
}

test_service_ip_outside_pool_fires if {
	inp := plan(networks, {"apps/web": service("web", "192.168.6.200", {})}, {"servicesOutsidePool": [holder(service("web", "192.168.6.200", {}))]})
	ids(metallb.deny) == {"metallb.service-ip-outside-pool"} with input as inp
}

test_duplicate_service_ip_without_key if {
	svcs := {"apps/a": service("a", "192.168.6.9", {}), "apps/b": service("b", "192.168.6.9", {})}
	inp := plan(networks, svcs, shared(svcs))
	f := metallb.deny with input as inp
	ids(f) == {"metallb.duplicate-service-ip"}
	some x in f
	x.entity == "service/apps/b"
}

test_duplicate_service_ip_same_key_same_port if {
	svcs := {"apps/a": service("a", "192.168.6.9", {"sharingKey": "dns"}), "apps/b": service("b", "192.168.6.9", {"sharingKey": "dns"})}
	inp := plan(networks, svcs, shared(svcs))
	f := metallb.deny with input as inp
	some x in f
	contains(x.msg, "both use UDP/53")
}

test_shared_ip_with_key_and_disjoint_ports if {
	svcs := {
		"apps/a": service("a", "192.168.6.9", {"sharingKey": "dns"}),
		"apps/b": service("b", "192.168.6.9", {"sharingKey": "dns", "ports": [{"port": 53, "protocol": "TCP"}]}),
	}
	inp := plan(networks, svcs, shared(svcs))
	count(metallb.deny) == 0 with input as inp
}

test_l2_pool_site_fires if {
	nets := object.union(networks, {
		"cabin-lan": {"entity": "network/cabin-lan", "name": "cabin-lan", "prefix": "192.168.0.0/16", "role": "clients", "site": "cabin"},
		"lan-pool": {"containers": ["cabin-lan", "services"]},
	})
	inp := plan(nets, {}, {})
	f := metallb.deny with input as inp
	ids(f) == {"metallb.l2-pool-site"}
	some x in f
	x.related == "network/cabin-lan"
}

test_bgp_pool_may_cross_sites if {
	nets := object.union(networks, {
		"cabin-lan": {"entity": "network/cabin-lan", "name": "cabin-lan", "prefix": "192.168.0.0/16", "role": "clients", "site": "cabin"},
		"lan-pool": {"containers": ["cabin-lan", "services"], "pool": {"mode": "bgp"}},
	})
	inp := plan(nets, {}, {})
	count(metallb.deny) == 0 with input as inp
}

test_buggy_ip_warns if {
	nets := object.union(networks, {"lan-pool": {"pool": {"avoidBuggyIPs": false, "autoAssign": false}}})
	inp := plan(nets, {"apps/web": service("web", "192.168.6.0", {})}, {})
	ids(metallb.warn) == {"metallb.buggy-ip"} with input as inp
	count(metallb.deny) == 0 with input as inp
}

# MetalLB refuses the IP outright when the pool avoids such addresses
test_buggy_ip_refused_by_an_avoiding_pool if {
	inp := plan(networks, {"apps/web": service("web", "192.168.6.255", {})}, {})
	ids(metallb.deny) == {"metallb.buggy-ip-refused"} with input as inp
	count(metallb.warn) == 0 with input as inp
}

test_avoid_buggy_ips_warns if {
	nets := object.union(networks, {"lan-pool": {"first": "192.168.6.0", "pool": {"avoidBuggyIPs": false}}})
	inp := plan(nets, {}, {})
	ids(metallb.warn) == {"metallb.avoid-buggy-ips"} with input as inp
}

test_avoid_buggy_ips_quiet_without_auto_assign if {
	nets := object.union(networks, {"lan-pool": {"first": "192.168.6.0", "pool": {"avoidBuggyIPs": false, "autoAssign": false}}})
	inp := plan(nets, {}, {})
	count(metallb.warn) == 0 with input as inp
}

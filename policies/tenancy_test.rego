package netops.tenancy_test

import data.netops.tenancy

tenants := {
	"home": {"entity": "tenant/home", "name": "home", "namespaces": ["media"], "pools": ["lan-pool", "online-pool"], "vpns": ["private"], "online": true, "reaches": ["iot"]},
	"guests": {"entity": "tenant/guests", "name": "guests", "namespaces": ["guests"], "pools": ["lan-pool"], "vpns": ["shared"], "online": false, "reaches": []},
}

net(name, tenant, role, access) := {"entity": sprintf("network/%s", [name]), "name": name, "prefix": "192.168.0.0/24", "tenant": tenant, "role": role, "access": access, "reachableBy": []}

pool(name, exposure) := object.union(net(name, "home", "pool", "shared"), {"pool": {"exposure": exposure, "tenants": [], "namespaces": []}})

networks := {
	"common": net("common", "home", "clients", "private"),
	"iot": net("iot", "home", "iot", "private"),
	"lan-pool": pool("lan-pool", "lan"),
	"online-pool": pool("online-pool", "online"),
}

vpn(name, owner, on, routes) := {"entity": sprintf("vpn/%s", [name]), "name": name, "tenant": owner, "tenants": on, "routes": routes}

service(tenant, ns, name, pool, x) := object.union(
	{
		"entity": sprintf("service/%s/%s", [ns, name]), "name": name, "namespace": ns, "tenant": tenant,
		"pool": pool, "exposure": networks[pool].pool.exposure, "ingress": false, "ingressClass": "",
	},
	x,
)

base(x) := object.union(
	{
		"tenants": tenants,
		"networks": networks,
		"services": {"media/plex": service("home", "media", "plex", "lan-pool", {})},
		"vpns": {
			"private": vpn("private", "home", ["home"], ["common", "iot"]),
			"shared": vpn("shared", "home", ["guests"], ["lan-pool"]),
		},
		"index": {"networksByTenant": {"home": ["common", "iot", "lan-pool", "online-pool"]}},
	},
	x,
)

# plan is the base plan changed by x, with the index of services by tenant that netops gives.
plan(x) := object.union(base(x), {"index": {"servicesByTenant": by_tenant(base(x).services)}})

by_tenant(services) := {t: keys |
	some s in services
	t := s.tenant
	keys := [k | some k, x in services; x.tenant == t]
}

ids(x) := {f.rule | some f in x}

test_clean_tenancy if {
	count(tenancy.deny) == 0 with input as plan({})
}

test_owner_fires_for_networks if {
	f := tenancy.deny with input as plan({"index": {"networksByTenant": {"home": ["common"], "ghost": ["iot"]}}})
	f == {{"rule": "tenancy.owner", "entity": "network/iot", "msg": "network/iot belongs to tenant ghost, which is not declared; declare it, or fix the name"}}
}

test_owner_fires_for_services_and_vpns if {
	inp := plan({
		"services": {"media/plex": {"tenant": ""}},
		"vpns": {"shared": {"tenant": "ghost"}},
	})
	f := tenancy.deny with input as inp
	{x.entity | some x in f; x.rule == "tenancy.owner"} == {"service/media/plex", "vpn/shared"}
}

test_pool_grant_fires if {
	f := tenancy.deny with input as plan({"services": {"guests/game": service("guests", "guests", "game", "online-pool", {"exposure": "lan"})}})
	"tenancy.pool-grant" in ids(f)
}

test_pool_tenants_restrict if {
	nets := object.union(networks, {"lan-pool": {"pool": {"tenants": ["guests"]}}})
	f := tenancy.deny with input as plan({"networks": nets})
	f == {{
		"rule": "tenancy.pool-grant", "entity": "service/media/plex", "related": "network/lan-pool",
		"msg": "service service/media/plex of tenant home uses pool lan-pool, which is only for tenants guests",
	}}
}

test_pool_namespaces_restrict if {
	nets := object.union(networks, {"lan-pool": {"pool": {"namespaces": ["dns"]}}})
	ids(tenancy.deny) == {"tenancy.pool-grant"} with input as plan({"networks": nets})
}

test_vpn_grant_fires if {
	f := tenancy.deny with input as plan({"vpns": {"private": {"tenants": ["home", "guests"]}}})
	some x in f
	x.rule == "tenancy.vpn-grant"
	x.related == "tenant/guests"
}

test_online_exposure_fires if {
	svc := service("guests", "guests", "game", "lan-pool", {"exposure": "online"})
	inp := plan({"tenants": {"guests": {"pools": ["lan-pool"]}}, "services": {"guests/game": svc}})
	f := tenancy.deny with input as inp
	some x in f
	x.rule == "tenancy.online-exposure"
	contains(x.msg, "is exposed online")
}

test_online_ingress_class_fires if {
	svcs := {
		"media/edge": service("home", "media", "edge", "online-pool", {"ingress": true, "ingressClass": "traefik-online"}),
		"guests/blog": service("guests", "guests", "blog", "lan-pool", {"ingressClass": "traefik-online"}),
	}
	f := tenancy.deny with input as plan({"services": svcs})
	{x.entity | some x in f; x.rule == "tenancy.online-exposure"} == {"service/guests/blog"}
}

test_online_tenant_may_expose if {
	svc := service("home", "media", "web", "online-pool", {})
	count(tenancy.deny) == 0 with input as plan({"services": {"media/web": svc}})
}

test_vpn_reach_other_tenant if {
	nets := object.union(networks, {"office": net("office", "work", "clients", "private")})
	inp := plan({"networks": nets, "vpns": {"private": {"routes": ["office"]}}})
	f := tenancy.deny with input as inp
	some x in f
	x.rule == "tenancy.vpn-reach"
	x.related == "network/office"
}

test_shared_vpn_reaches_no_private_network if {
	f := tenancy.deny with input as plan({"vpns": {"shared": {"routes": ["lan-pool", "common"]}}})
	{[x.rule, x.related] | some x in f} == {["tenancy.vpn-reach", "network/common"]}
}

test_guest_granted_by_reachable_by if {
	nets := object.union(networks, {"common": {"reachableBy": ["guests"]}})
	count(tenancy.deny) == 0 with input as plan({"networks": nets, "vpns": {"shared": {"routes": ["common"]}}})
}

test_iot_reach_by_tenant if {
	inp := plan({"tenants": {"guests": {"reaches": ["iot"]}}})
	f := tenancy.deny with input as inp
	f == {{
		"rule": "tenancy.iot-reach", "entity": "tenant/guests", "related": "network/iot",
		"msg": "tenant guests reaches IoT network iot (192.168.0.0/24) of tenant home, which does not list it in reachableBy; add guests there, or drop the reach",
	}}
}

test_iot_reach_allowed if {
	nets := object.union(networks, {"iot": {"reachableBy": ["guests"]}})
	count(tenancy.deny) == 0 with input as plan({"networks": nets, "tenants": {"guests": {"reaches": ["iot"]}}})
}

test_iot_reach_by_vpn if {
	f := tenancy.deny with input as plan({"vpns": {"private": {"tenants": ["home", "guests"]}, "shared": {"routes": []}}, "tenants": {"guests": {"vpns": ["shared", "private"]}}})
	some x in f
	x.rule == "tenancy.iot-reach"
	x.entity == "vpn/private"
}

test_namespace_not_owned if {
	f := tenancy.deny with input as plan({"services": {"dns/plex": service("home", "dns", "plex", "lan-pool", {})}})
	ids(f) == {"tenancy.namespace"}
}

test_namespace_of_two_tenants if {
	f := tenancy.deny with input as plan({"tenants": {"guests": {"namespaces": ["guests", "media"]}}})
	f == {{
		"rule": "tenancy.namespace", "entity": "tenant/home", "related": "tenant/guests",
		"msg": "namespace media belongs to tenants guests and home; give it to one of them",
	}}
}

test_reach_consent if {
	nets := object.union(networks, {"guest-lan": net("guest-lan", "guests", "clients", "private")})
	f := tenancy.deny with input as plan({"networks": nets, "tenants": {"home": {"reaches": ["iot", "guest-lan"]}}})
	f == {{
		"rule": "tenancy.reach-consent", "entity": "tenant/home", "related": "network/guest-lan",
		"msg": "tenant home reaches guest-lan (192.168.0.0/24) of tenant guests, which does not list it in reachableBy; add home there, or drop the reach",
	}}
}

test_reach_consent_given if {
	nets := object.union(networks, {"guest-lan": object.union(net("guest-lan", "guests", "clients", "private"), {"reachableBy": ["home"]})})
	count(tenancy.deny) == 0 with input as plan({"networks": nets, "tenants": {"home": {"reaches": ["iot", "guest-lan"]}}})
}

client_address_plan(policy) := plan({
	"services": {"media/plex": service("home", "media", "plex", "lan-pool", {"externalTrafficPolicy": policy})},
	"networks": object.union(networks, {"lan-pool": {"site": "home"}}),
	"sites": {"home": {"name": "home", "cluster": "homelab"}},
	"clusters": {"homelab": {"name": "homelab", "cni": "weave", "podCIDR": "10.244.0.0/16"}},
})

test_client_address_warns_for_cluster if {
	f := tenancy.warn with input as client_address_plan("Cluster")
	f == {{
		"rule": "tenancy.client-address", "entity": "service/media/plex",
		"msg": "service service/media/plex keeps externalTrafficPolicy Cluster: on weave its pods see every client as a node's address in the pod CIDR 10.244.0.0/16, so its policy admits that whole range and cannot tell clients apart; drop externalTrafficPolicy to render Local",
	}}
}

test_client_address_quiet_for_local if {
	count(tenancy.warn) == 0 with input as client_address_plan("")
}

package policy_test

import (
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/load"
)

// edit is one change to a file of the example: old must be there once, and becomes new.
type edit struct{ file, old, new string }

// exampleWith is the example repo with edits made, as an in-memory file system.
func exampleWith(t testing.TB, edits ...edit) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("../../examples/homelab"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(os.DirFS("../../examples/homelab"), p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		f := fsys[e.file]
		if f == nil {
			f = &fstest.MapFile{}
			fsys[e.file] = f
		}
		if e.old != "" && strings.Count(string(f.Data), e.old) != 1 {
			t.Fatalf("%s does not hold %q exactly once", e.file, e.old)
		}
		if e.old == "" {
			f.Data = append(f.Data, e.new...)
		} else {
			f.Data = []byte(strings.Replace(string(f.Data), e.old, e.new, 1))
		}
	}
	return fsys
}

// found lists the findings of a check of fsys as "severity rule entity [related]", sorted.
func found(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	p, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range check(t, p).Findings {
		out = append(out, strings.TrimSpace(strings.Join([]string{string(f.Severity), f.Rule, f.Entity, f.Related}, " ")))
	}
	sort.Strings(out)
	return out
}

const (
	home     = "sites/home.yaml"
	cabin    = "sites/cabin.yaml"
	services = "services.yaml"
	tenants  = "tenants.yaml"
	vpns     = "vpns.yaml"
	cluster  = "cluster.yaml"
)

// TestRules changes the example, which checks clean, in one way per case and asserts every finding.
func TestRules(t *testing.T) {
	for _, c := range []struct {
		name  string
		edits []edit
		want  []string
	}{
		{"canonical and overlap", []edit{{home, "prefix: 192.168.5.0/24", "prefix: 192.168.5.0/20"}}, []string{
			"deny cidr.canonical network/vip",
			"deny cidr.overlap network/vip network/common",
			"deny cidr.overlap network/vip network/infrastructure",
			"deny cidr.overlap network/vip network/iot",
			"deny cidr.overlap network/vip network/quarantine",
			"deny cidr.overlap network/vip network/services",
		}},
		{"child outside its parent", []edit{{cabin, "description: Cabin devices\n", "description: Cabin devices\n    networks:\n      - {name: cabin-guest, prefix: 192.168.21.0/25, role: clients}\n"}},
			[]string{"deny cidr.nesting network/cabin-guest network/cabin-lan"}},
		{"overlapping siblings", []edit{{cabin, "  - name: cabin-services\n", "  - {name: cabin-iot, prefix: 192.168.20.128/25, role: iot, tenant: home}\n  - name: cabin-services\n"}},
			[]string{"deny cidr.overlap network/cabin-lan network/cabin-iot"}},
		{"address outside its network", []edit{{home, "ip: 192.168.4.1,", "ip: 192.168.9.1,"}},
			[]string{"deny cidr.address-outside address/home/router network/infrastructure"}},
		{"broadcast address", []edit{{home, "ip: 192.168.4.2,", "ip: 192.168.4.255,"}},
			[]string{"deny cidr.address-boundary address/home/core-switch network/infrastructure"}},
		{"network address of a segment", []edit{{services, "ip: 192.168.6.60", "ip: 192.168.6.0"}},
			[]string{"deny cidr.address-boundary service/media/plex network/services", "deny metallb.buggy-ip-refused service/media/plex"}},
		{"duplicate address", []edit{{home, "ip: 192.168.4.2,", "ip: 192.168.4.1,"}},
			[]string{"deny cidr.duplicate-ip address/home/core-switch address/home/router"}},
		{"shared address", []edit{{home, "ip: 192.168.4.2,", "ip: 192.168.4.1, shared: edge,"}, {home, "name: router,", "name: router, shared: edge,"}},
			nil},
		{"address in the quarantine", []edit{{home, "Empty, not used, will indicate wrongly configured devices\n", "Empty, not used, will indicate wrongly configured devices\n    addresses: [{ip: 192.168.1.10, name: stray}]\n"}},
			[]string{"deny cidr.unused-empty address/home/stray network/quarantine"}},
		{"overlapping pools", []edit{{home, "      - name: online-pool\n", "      - {name: extra-pool, prefix: 192.168.6.64/26, role: pool, pool: {exposure: lan}}\n      - name: online-pool\n"}},
			[]string{"deny metallb.pool-overlap network/lan-pool network/extra-pool"}},
		{"LAN and online pools overlap", []edit{{home, "      - name: online-pool\n", "      - {name: extra-pool, prefix: 192.168.6.64/26, role: pool, pool: {exposure: online}}\n      - name: online-pool\n"}},
			[]string{"deny metallb.lan-online-overlap network/lan-pool network/extra-pool"}},
		{"pool outside the services network", []edit{{home, "      - name: online-pool\n        prefix: 192.168.6.128/25", "      - name: online-pool\n        prefix: 192.168.7.128/25"}, {services, "ip: 192.168.6.128", "ip: 192.168.7.129"}},
			[]string{"deny cidr.nesting network/online-pool network/services", "deny metallb.pool-placement network/online-pool"}},
		{"fixed IP outside its pool", []edit{{services, "ip: 192.168.6.60", "ip: 192.168.6.160"}},
			[]string{"deny metallb.service-ip-outside-pool service/media/plex network/lan-pool"}},
		{"duplicate fixed IP", []edit{{services, "ip: 192.168.6.60", "ip: 192.168.6.71"}},
			[]string{"deny metallb.duplicate-service-ip service/downloads/qbittorrent service/media/plex"}},
		{"shared IP on one port", []edit{{services, "{name: dns-tcp, port: 53, protocol: TCP}", "{name: dns-tcp, port: 53, protocol: UDP}"}},
			[]string{"deny metallb.duplicate-service-ip service/pihole/pihole-dns-tcp service/pihole/pihole-dns-udp"}},
		{"online service in a LAN pool", []edit{{services, "dns: plex.home.lan\n", "dns: plex.home.lan\nexposure: online\n"}},
			[]string{"deny metallb.service-exposure service/media/plex network/lan-pool"}},
		{"L2 pool in another site's network", []edit{{cabin, "prefix: 192.168.22.0/25", "prefix: 192.168.4.128/25"}, {services, "ip: 192.168.22.53", "ip: 192.168.4.153"}},
			[]string{"deny cidr.nesting network/cabin-pool network/cabin-services", "deny cidr.overlap network/infrastructure network/cabin-pool",
				"deny metallb.l2-pool-site network/cabin-pool network/infrastructure", "deny metallb.pool-placement network/cabin-pool"}},
		{"pool without avoidBuggyIPs", []edit{{home, "exposure: online\n          avoidBuggyIPs: true", "exposure: online\n          avoidBuggyIPs: false"}},
			[]string{"warn metallb.avoid-buggy-ips network/online-pool"}},
		{"service CIDR over the VPNs", []edit{{cluster, "serviceCIDR: 10.96.0.0/12", "serviceCIDR: 10.8.0.0/16"}},
			[]string{"deny cluster.range-overlap network/homelab-services network/vpn-private", "deny cluster.range-overlap network/homelab-services network/vpn-shared"}},
		{"Weave range", []edit{{cluster, "ipAllocRange: 10.244.0.0/16", "ipAllocRange: 10.32.0.0/12"}},
			[]string{"deny cluster.weave-range cluster/homelab"}},
		{"API VIP in a client network", []edit{{cluster, "apiVIP: 192.168.5.100", "apiVIP: 192.168.2.100"}},
			[]string{"deny cluster.api-vip cluster/homelab network/common"}},
		{"service of a tenant without the pool", []edit{{services, "namespace: media\ndescription: Plex server\ntenant: home", "namespace: guests\ndescription: Plex server\ntenant: guests"}},
			[]string{"deny tenancy.pool-grant service/guests/plex tenant/guests"}},
		{"VPN carrying a tenant not granted it", []edit{{tenants, "vpns: [shared]\nonline: false", "vpns: []\nonline: false"}},
			[]string{"deny tenancy.vpn-grant vpn/shared tenant/guests"}},
		{"online service of a LAN-only tenant", []edit{{tenants, "pihole]\npools: [lan-pool, online-pool, cabin-pool]\nvpns: [private, shared]\nonline: true", "pihole]\npools: [lan-pool, online-pool, cabin-pool]\nvpns: [private, shared]\nonline: false"}},
			[]string{"deny tenancy.online-exposure service/traefik/traefik-online tenant/platform"}},
		{"shared VPN to a private network", []edit{{vpns, "routes: [lan-pool]", "routes: [lan-pool, common]"}},
			[]string{"deny tenancy.vpn-reach vpn/shared network/common"}},
		{"IoT network reached without leave", []edit{{home, "    reachableBy: [platform]\n", ""}},
			[]string{"deny tenancy.iot-reach tenant/platform network/iot"}},
		{"another tenant's network reached without its consent", []edit{{tenants, "vpns: [shared]\nonline: false", "vpns: [shared]\nonline: false\nreaches: [common]"}},
			[]string{"deny tenancy.reach-consent tenant/guests network/common"}},
		{"another tenant's network reached with its consent", []edit{{tenants, "vpns: [shared]\nonline: false", "vpns: [shared]\nonline: false\nreaches: [common]"}, {home, "    description: Common devices, laptops, phones, etc.\n", "    description: Common devices, laptops, phones, etc.\n    reachableBy: [guests]\n"}},
			nil},
		{"LAN service kept at Cluster", []edit{{services, "dns: plex.home.lan\n", "dns: plex.home.lan\nexternalTrafficPolicy: Cluster\n"}},
			[]string{"warn tenancy.client-address service/media/plex"}},
		{"namespace of two tenants", []edit{{tenants, "namespaces: [guests]", "namespaces: [guests, media]"}},
			[]string{"deny tenancy.namespace tenant/home tenant/guests"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, found(t, exampleWith(t, c.edits...))); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

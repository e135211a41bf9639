package load_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/netops/netops/pkg/load"
)

// base is a small valid repo; each case below replaces or adds files.
var base = map[string]string{
	"netops.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Network\nname: lab\n",
	"cluster.yaml": `apiVersion: netops.dev/v1alpha1
kind: Cluster
name: lab
tenant: ops
podCIDR: 10.244.0.0/16
serviceCIDR: 10.96.0.0/12
`,
	"tenants.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Tenant\nname: ops\npools: [pool]\n",
	"sites/a.yaml": `apiVersion: netops.dev/v1alpha1
kind: Site
name: a
networks:
  - name: lan
    prefix: 192.168.4.0/24
    role: infrastructure
    tenant: ops
    addresses:
      - {ip: 192.168.4.1, name: router, roles: [router]}
  - name: lb
    prefix: 192.168.6.0/24
    role: loadbalancer
    tenant: ops
    networks:
      - name: pool
        prefix: 192.168.6.0/25
        role: pool
        pool: {exposure: lan}
`,
	"services.yaml": `apiVersion: netops.dev/v1alpha1
kind: Service
name: dns
namespace: dns
tenant: ops
pool: pool
ip: 192.168.6.53
ports:
  - {port: 53, protocol: UDP}
`,
}

func repo(changes map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range base {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	for name, data := range changes {
		if data == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestLoadBase(t *testing.T) {
	if _, err := load.Load(repo(nil)); err != nil {
		t.Fatalf("the base repo must load: %v", err)
	}
}

func replace(file, old, new string) map[string]string {
	if !strings.Contains(base[file], old) {
		panic("test case: " + old + " not in " + file)
	}
	return map[string]string{file: strings.Replace(base[file], old, new, 1)}
}

func TestLoadErrors(t *testing.T) {
	site, svc := "sites/a.yaml", "services.yaml"
	cases := []struct {
		name    string
		changes map[string]string
		want    []string // each error, in order, as "file:line:col: message" prefixes
	}{
		{"malformed YAML", replace(site, "  - name: lb", " - name: lb"), []string{"sites/a.yaml:10:1: invalid YAML: did not find expected key"}},
		{"unknown field", replace(site, "tenant: ops\n    addresses", "tennant: ops\n    addresses"), []string{`sites/a.yaml:8:5: unknown field "tennant" in network; known fields are: access, addresses,`}},
		{"duplicate key", replace(site, "role: infrastructure", "role: infrastructure\n    role: iot"), []string{`sites/a.yaml:8:5: duplicate key "role" (first at line 7); remove one of them`}},
		{"bad IP", replace(site, "192.168.4.1", "192.168.4.300"), []string{`sites/a.yaml:10:14: bad IP address "192.168.4.300"; write an IP address such as 192.168.4.1`}},
		{"bad prefix", replace(site, "192.168.4.0/24", "192.168.4.0/33"), []string{`sites/a.yaml:6:13: bad prefix "192.168.4.0/33"; write a prefix such as 192.168.4.0/24`}},
		{"prefix without length", replace(site, "192.168.4.0/24", "192.168.4.0"), []string{`sites/a.yaml:6:13: bad prefix "192.168.4.0"`}},
		{"unknown tenant", replace(site, "tenant: ops\n    addresses", "tenant: nobody\n    addresses"), []string{`sites/a.yaml:5:5: unknown tenant "nobody"; declare it, or fix the spelling`}},
		{"unknown pool", replace(svc, "pool: pool", "pool: lan-pool"), []string{`services.yaml:1:1: unknown pool "lan-pool"`}},
		{"pool that is not a pool", replace(svc, "pool: pool", "pool: lan"), []string{`services.yaml:1:1: network "lan" is not a pool (role infrastructure); name a network with role pool`}},
		{"duplicate site", map[string]string{"sites/b.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Site\nname: a\n"}, []string{`sites/b.yaml:1:1: duplicate site name "a" (first at sites/a.yaml:1:1)`}},
		{"duplicate network", replace(site, "name: pool", "name: lan"), []string{`services.yaml:1:1: unknown pool "pool"`, `sites/a.yaml:16:9: duplicate network name "lan" (first at sites/a.yaml:5:5)`, `tenants.yaml:1:1: unknown pool "pool"`}},
		{"wrong type: number for string", replace(site, "name: a", "name: 42"), []string{`sites/a.yaml:3:7: expected a string, found the number 42; quote the value to make it a string`}},
		{"wrong type: word for number", replace(site, "role: infrastructure", "role: infrastructure\n    vlan: ten"), []string{`sites/a.yaml:8:11: expected a whole number, found "ten"`}},
		{"wrong type: scalar for list", replace("tenants.yaml", "pools: [pool]", "pools: pool"), []string{`tenants.yaml:4:8: expected a list, found "pool"`}},
		{"unknown traffic policy", replace(svc, "ip: 192.168.6.53\n", "ip: 192.168.6.53\nexternalTrafficPolicy: local\n"), []string{`services.yaml:8:24: unknown external traffic policy "local"; use one of: Cluster, Local`}},
		{"unknown role", replace(site, "role: infrastructure", "role: lan"), []string{`sites/a.yaml:7:11: unknown role "lan"; use one of: unused, clients, iot,`}},
		{"missing prefix", replace(site, "    prefix: 192.168.4.0/24\n", ""), []string{`sites/a.yaml:5:5: missing prefix; add prefix: such as 192.168.2.0/24`}},
		{"pool role without settings", replace(site, "        pool: {exposure: lan}\n", ""), []string{`sites/a.yaml:16:9: network "pool" has role pool but no pool settings`}},
		{"port out of range", replace(svc, "port: 53,", "port: 70000,"), []string{`services.yaml:9:5: bad port 70000; use a port from 1 to 65535`}},
		{"missing apiVersion", map[string]string{"x.yaml": "kind: Site\nname: b\n"}, []string{"x.yaml:1:1: missing apiVersion; add apiVersion: netops.dev/v1alpha1"}},
		{"unsupported apiVersion", map[string]string{"x.yaml": "apiVersion: netops.dev/v2\nkind: Site\n"}, []string{`x.yaml:1:13: unsupported apiVersion "netops.dev/v2"`}},
		{"unknown kind", map[string]string{"x.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Router\n"}, []string{`x.yaml:2:7: unknown kind "Router"; use one of Network, Cluster,`}},
		{"not YAML: plain text", map[string]string{"notes.yaml": "just some notes\n"}, []string{`notes.yaml:1:1: expected a mapping, found "just some notes"`}},
		{"not YAML: binary", map[string]string{"blob.yaml": "\x00\x01\x02"}, []string{"blob.yaml:1:1: not a text file"}},
		{"not YAML: tabs", map[string]string{"t.yaml": "a:\n\tb: c\n"}, []string{"t.yaml:2:1: invalid YAML: found character that cannot start any token"}},
		{"no Network document", map[string]string{"netops.yaml": ""}, []string{"netops.yaml: no Network document in the repo"}},
		{"two Network documents", map[string]string{"more.yaml": base["netops.yaml"]}, []string{"netops.yaml:1:1: a second Network document (the first is at more.yaml:1:1)"}},
		{"name is not a DNS label", replace(site, "name: a", "name: Home Site"), []string{`sites/a.yaml:1:1: site name "Home Site" is not a DNS label`}},
		{"unknown cluster", replace(site, "name: a\n", "name: a\ncluster: other\n"), []string{`sites/a.yaml:1:1: unknown cluster "other"`}},
		{"vpn link without VPN", replace(site, "name: a\n", "name: a\nlink: {type: vpn}\n"), []string{`sites/a.yaml:4:7: a vpn link needs a VPN`}},
		{"duplicate address name", replace(site, "roles: [router]}", "roles: [router]}\n      - {ip: 192.168.4.2, name: router}"), []string{`sites/a.yaml:11:9: duplicate address name "router" in site a (first at sites/a.yaml:10:9)`}},
		{"bad expiry date", map[string]string{"exceptions.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Exception\nrule: x\nentity: network/lan\nreason: r\nexpires: next year\n"}, []string{`exceptions.yaml:1:1: bad expiry date "next year"; write the date as YYYY-MM-DD`}},
		{"YAML alias", map[string]string{"x.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Site\nname: x\nnetworks: &n\n  - name: a\n    networks: *n\n"}, []string{"x.yaml:6:15: YAML aliases are not allowed in plan documents"}},
		{"empty list item", replace(site, "networks:\n", "networks:\n  -\n"), []string{"sites/a.yaml:5:4: empty list item; remove the item or fill it in"}},
		{"unknown cni", replace("cluster.yaml", "tenant: ops\n", "tenant: ops\ncni: flannel\n"), []string{`cluster.yaml:5:6: unknown cni "flannel"; use one of: weave`}},
		{"unknown tenant in a service's usableBy", replace(svc, "tenant: ops\n", "tenant: ops\nusableBy: [guests]\n"), []string{`services.yaml:1:1: unknown tenant "guests"`}},
		{"unknown tenant in a tenant's usableBy", replace("tenants.yaml", "pools: [pool]", "pools: [pool]\nusableBy: [guests]"), []string{`tenants.yaml:1:1: unknown tenant "guests"`}},
		{"routed service with ports none of which is the default", replace(svc, "  - {port: 53, protocol: UDP}\n", "  - {name: ssh, port: 22}\n  - {name: git, port: 3000}\ningressClass: traefik\n"), []string{`services.yaml:1:1: service dns/dns routes through ingress class traefik but has 2 ports and none named http or web; set ingressPort: to the name or number of the port that takes the route`}},
		{"ingressPort that is no port", replace(svc, "  - {port: 53, protocol: UDP}\n", "  - {name: ssh, port: 22}\n  - {name: http, port: 3000}\ningressClass: traefik\ningressPort: 8080\n"), []string{`services.yaml:1:1: service dns/dns: ingressPort 8080 is not the name or number of one of its ports; set ingressPort:`}},
		{"service without namespace", replace(svc, "namespace: dns\n", ""), []string{`services.yaml:1:1: missing namespace; add namespace:`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load.Load(repo(c.changes))
			checkErrors(t, err, c.want)
		})
	}
}

func checkErrors(t *testing.T, err error, want []string) {
	t.Helper()
	var list load.Errors
	if !errors.As(err, &list) {
		t.Fatalf("got error %v, want load.Errors", err)
	}
	if len(list) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(list), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(list[i].Error(), w) {
			t.Errorf("error %d:\n got %s\nwant %s…", i, list[i], w)
		}
	}
}

func TestEmptyRepo(t *testing.T) {
	_, err := load.Load(fstest.MapFS{"README.md": {Data: []byte("hi")}})
	checkErrors(t, err, []string{".: no plan files: the repo holds no .yaml file outside policies/, charts/, overlays/; add netops.yaml"})
}

func TestReservedFoldersAreNotRead(t *testing.T) {
	_, err := load.Load(repo(map[string]string{"policies/data.yaml": "not: [a plan", ".github/ci.yaml": "on: push"}))
	if err != nil {
		t.Fatalf("files under policies/ and dot folders must be left alone: %v", err)
	}
}

func TestAllErrorsReported(t *testing.T) {
	_, err := load.Load(repo(map[string]string{
		"sites/b.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Site\nname: b\nfoo: 1\nbar: 2\n",
		"x.yaml":       "apiVersion: netops.dev/v1alpha1\nkind: Router\n",
	}))
	checkErrors(t, err, []string{`sites/b.yaml:4:1: unknown field "foo"`, `sites/b.yaml:5:1: unknown field "bar"`, `x.yaml:2:7: unknown kind "Router"`})
}

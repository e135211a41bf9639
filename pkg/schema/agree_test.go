package schema_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/netops/netops/pkg/load"
)

// base is a small valid repo with one document of every kind.
var base = map[string]string{
	"netops.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Network\nname: small\n",
	"cluster.yaml": `apiVersion: netops.dev/v1alpha1
kind: Cluster
name: main
tenant: ops
podCIDR: 10.244.0.0/16
serviceCIDR: 10.96.0.0/12
`,
	"site.yaml": `apiVersion: netops.dev/v1alpha1
kind: Site
name: office
networks:
  - name: office-lan
    prefix: 192.168.10.0/24
    role: clients
    tenant: ops
    networks:
      - name: office-pool
        prefix: 192.168.10.192/27
        role: pool
        pool: {exposure: lan}
`,
	"tenant.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Tenant\nname: ops\nnamespaces: [ops]\npools: [office-pool]\nvpns: [staff]\n",
	"vpn.yaml":    "apiVersion: netops.dev/v1alpha1\nkind: VPN\nname: staff\ntype: wireguard\ntenant: ops\nprefix: 10.8.0.0/24\n",
	"service.yaml": `apiVersion: netops.dev/v1alpha1
kind: Service
name: web
namespace: ops
tenant: ops
pool: office-pool
ip: 192.168.10.200
ports:
  - port: 80
`,
	"exception.yaml": "apiVersion: netops.dev/v1alpha1\nkind: Exception\nrule: cidr.overlap\nentity: network/office-lan\nreason: a test\n",
}

// edit replaces old with new in one file of the base repo.
type edit struct {
	file, old, new string
}

// The loader and the schema agree on these: the schema checks fields, types, enums and required
// fields; references between documents and rules across fields are the loader's and the policies'.
var (
	goodEdits = map[string]edit{
		"as is":              {"site.yaml", "", ""},
		"a VLAN":             {"site.yaml", "role: clients", "role: clients\n    vlan: 20"},
		"a lower-case proto": {"service.yaml", "- port: 80", "- port: 53\n    protocol: udp"},
		"a quoted expiry":    {"exception.yaml", "reason: a test", "reason: a test\nexpires: \"2030-01-31\""},
		"a DNS server":       {"cluster.yaml", "tenant: ops", "tenant: ops\ndns: {server: coredns}"},
		"a VPN server":       {"vpn.yaml", "prefix: 10.8.0.0/24", "prefix: 10.8.0.0/24\nserver: {ip: 10.8.0.1}"},
		"an IPv6 network":    {"site.yaml", "{exposure: lan}\n", "{exposure: lan}\n  - {name: office-v6, prefix: \"2001:db8:10::/64\", role: clients, tenant: ops}\n"},
	}
	badEdits = map[string]edit{
		"an unknown field":        {"site.yaml", "name: office", "name: office\ncolour: red"},
		"a nested unknown field":  {"site.yaml", "pool: {exposure: lan}", "pool: {exposure: lan, size: 5}"},
		"a string for a boolean":  {"tenant.yaml", "name: ops", "name: ops\nonline: \"yes\""},
		"an unknown role":         {"site.yaml", "role: clients", "role: lan"},
		"an unknown exposure":     {"site.yaml", "exposure: lan", "exposure: public"},
		"an unknown VPN type":     {"vpn.yaml", "wireguard", "ipsec"},
		"a tenant without name":   {"tenant.yaml", "name: ops\n", ""},
		"a network without role":  {"site.yaml", "    role: clients\n", ""},
		"a pool without exposure": {"site.yaml", "{exposure: lan}", "{mode: l2}"},
		"a name with capitals":    {"site.yaml", "name: office\n", "name: Office\n"},
		"a bad prefix":            {"vpn.yaml", "10.8.0.0/24", "10.8.0.0/xx"},
		"a bad IP":                {"service.yaml", "192.168.10.200", "192.168.10.x"},
		"a port as a string":      {"service.yaml", "port: 80", "port: \"80\""},
		"a negative MTU":          {"site.yaml", "name: office\n", "name: office\nlink: {mtu: -1}\n"},
		"ports as a mapping":      {"service.yaml", "ports:\n  - port: 80", "ports: {port: 80}"},
		"an unknown kind":         {"exception.yaml", "kind: Exception", "kind: Exemption"},
		"another apiVersion":      {"tenant.yaml", "v1alpha1", "v1"},
		"a service without ip":    {"service.yaml", "ip: 192.168.10.200\n", ""},
		"an exception without":    {"exception.yaml", "reason: a test\n", ""},
		"an unknown DNS server":   {"cluster.yaml", "tenant: ops", "tenant: ops\ndns: {server: bind}"},
		"a cluster without pods":  {"cluster.yaml", "podCIDR: 10.244.0.0/16\n", ""},
	}
)

func TestLoaderAndSchemaAgree(t *testing.T) {
	s := compile(t)
	check := func(name string, e edit, valid bool) {
		fsys := fstest.MapFS{}
		for f, text := range base {
			if f == e.file && e.old != "" {
				if !strings.Contains(text, e.old) {
					t.Fatalf("%s: %q is not in %s", name, e.old, f)
				}
				text = strings.Replace(text, e.old, e.new, 1)
			}
			fsys[f] = &fstest.MapFile{Data: []byte(text)}
		}
		_, lerr := load.Load(fsys)
		var serr error
		for _, doc := range documents(t, e.file, fsys[e.file].Data) {
			if err := s.Validate(doc); err != nil {
				serr = err
			}
		}
		if (lerr == nil) != valid || (serr == nil) != valid {
			t.Errorf("%s: want valid=%v; the loader says %v, the schema %v", name, valid, lerr, serr)
		}
	}
	for name, e := range goodEdits {
		check(name, e, true)
	}
	for name, e := range badEdits {
		check(name, e, false)
	}
}

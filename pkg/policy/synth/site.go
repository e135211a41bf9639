package synth

import (
	"fmt"
	"strings"
)

// site is the i-th generated site: its name and its /20, as the first three octets of its first /24.
type site struct {
	name string
	a, b int // the /20 is 10.a.b.0/20
	nets strings.Builder
	svcs []string // the Service documents
}

func newSite(i int) *site {
	return &site{name: fmt.Sprintf("s%04d", i), a: i / 16, b: (i % 16) * 16}
}

// ip is host h of the site's k-th /24.
func (s *site) ip(k, h int) string { return fmt.Sprintf("10.%d.%d.%d", s.a, s.b+k, h) }

func (s *site) prefix(k, h, bits int) string { return fmt.Sprintf("%s/%d", s.ip(k, h), bits) }

func (s *site) tenant() string {
	return header + fmt.Sprintf("kind: Tenant\nname: t%s\nnamespaces: [t%s]\npools: [%s-lan-pool, %s-online-pool]\nonline: true\n",
		s.name[1:], s.name[1:], s.name, s.name)
}

// site writes the Site document: 20 networks and 200 addresses.
func (s *site) site() string {
	w := &s.nets
	fmt.Fprintf(w, "%skind: Site\nname: %s\ndescription: Generated site %s.\nnodeSelector: {topology.kubernetes.io/zone: %s}\nnetworks:\n",
		header, s.name, s.name, s.name)
	s.network(0, "quarantine", "unused", 0, 1)
	s.network(1, "clients", "clients", 60, 1)
	s.network(2, "iot", "iot", 60, 1)
	s.network(3, "infrastructure", "infrastructure", 20, 1)
	s.network(4, "vip", "vip", 2, 100)
	s.network(5, "services", "loadbalancer", 0, 1)
	fmt.Fprintf(w, "    networks:\n")
	s.pool(s.prefix(5, 0, 25), "lan")
	s.pool(s.prefix(5, 128, 25), "online")
	s.network(6, "office", "clients", 0, 1)
	fmt.Fprintf(w, "    networks:\n")
	s.child(s.prefix(6, 0, 25), "office-a", 6, 1)
	s.child(s.prefix(6, 128, 25), "office-b", 6, 129)
	for k := 7; k < 16; k++ {
		s.network(k, fmt.Sprintf("vlan-%d", k), "clients", 2, 1)
	}
	return w.String()
}

// network writes the k-th /24 with n addresses from host first on.
func (s *site) network(k int, name, role string, n, first int) {
	fmt.Fprintf(&s.nets, "  - name: %s-%s\n    prefix: %s\n    role: %s\n    tenant: t%s\n    vlan: %d\n",
		s.name, name, s.prefix(k, 0, 24), role, s.name[1:], 10+k)
	s.addresses("    ", k, name, n, first)
}

func (s *site) addresses(indent string, k int, name string, n, first int) {
	if n == 0 {
		return
	}
	fmt.Fprintf(&s.nets, "%saddresses:\n", indent)
	for h := first; h < first+n; h++ {
		fmt.Fprintf(&s.nets, "%s  - {ip: %s, name: %s-%d, roles: [server], dns: %s-%d.%s.lan}\n", indent, s.ip(k, h), name, h, name, h, s.name)
	}
}

func (s *site) child(prefix, name string, k, first int) {
	fmt.Fprintf(&s.nets, "      - name: %s-%s\n        prefix: %s\n        role: clients\n", s.name, name, prefix)
	s.addresses("        ", k, name, 20, first)
}

func (s *site) pool(prefix, exposure string) {
	fmt.Fprintf(&s.nets, "      - name: %s-%s-pool\n        prefix: %s\n        role: pool\n        pool: {exposure: %s, avoidBuggyIPs: true}\n",
		s.name, exposure, prefix, exposure)
}

// services writes six services: five in the LAN pool, two of them sharing the DNS IP, and one online.
func (s *site) services() string {
	s.service("web", "lan", 10, "", "{port: 443, protocol: TCP}")
	s.service("dns-udp", "lan", 53, "dns", "{port: 53, protocol: UDP}")
	s.service("dns-tcp", "lan", 53, "dns", "{port: 53, protocol: TCP}")
	s.service("mqtt", "lan", 20, "", "{port: 1883, protocol: TCP}")
	s.service("logs", "lan", 30, "", "{port: 514, protocol: UDP}")
	s.service("edge", "online", 130, "", "{port: 443, protocol: TCP}")
	return strings.Join(s.svcs, "---\n")
}

func (s *site) service(name, exposure string, host int, key, port string) {
	s.svcs = append(s.svcs, fmt.Sprintf("%skind: Service\nname: %s\nnamespace: t%s\ntenant: t%s\npool: %s-%s-pool\nip: %s\nsharingKey: %q\nports: [%s]\n",
		header, name, s.name[1:], s.name[1:], s.name, exposure, s.ip(5, host), key, port))
}

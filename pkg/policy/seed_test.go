package policy_test

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/internal/seedtable"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// seedFile is where the seed's rows are, so that findings on the seed point at its lines.
const seedFile = "network-architecture.txt"

// seedNetworks says what each network row of the seed is: a name, a role and, for the two pools, the
// network they are nested in and their exposure.
var seedNetworks = map[string]struct {
	name     string
	role     network.Role
	parent   string
	exposure network.Exposure
}{
	"192.168.1.0/24":   {"quarantine", network.RoleUnused, "", ""},
	"192.168.2.0/24":   {"common", network.RoleClients, "", ""},
	"192.168.3.0/24":   {"iot", network.RoleIoT, "", ""},
	"192.168.4.0/24":   {"infrastructure", network.RoleInfrastructure, "", ""},
	"192.168.5.0/20":   {"vip", network.RoleVIP, "", ""},
	"192.168.6.0/24":   {"services", network.RoleLoadBalancer, "", ""},
	"192.168.6.0/25":   {"lan-pool", network.RolePool, "services", network.ExposureLAN},
	"192.168.6.128/25": {"online-pool", network.RolePool, "services", network.ExposureOnline},
}

// seedPlan turns the seed's table, word for word, into a resolved plan: one site and one tenant, the
// two /25 pools nested in 192.168.6.0/24, the addresses in pools as services, 10.244.0.0/16 as the pod
// CIDR (with Kubernetes's default service CIDR, which the seed does not give), the VIP row's address as
// the API VIP, and the two VPN rows as VPNs. Every entity is at the line of its row.
func seedPlan(t *testing.T) *network.Plan {
	t.Helper()
	rows, err := seedtable.Rows()
	if err != nil {
		t.Fatal(err)
	}
	b := &seedBuilder{
		plan: &network.Plan{Name: "seed", Pos: network.Pos{File: seedFile, Line: 1}},
		site: &network.Site{Name: "home", Pos: network.Pos{File: seedFile, Line: 1}, Link: network.Link{Type: network.LinkDirect, MTU: 1500}},
		nets: map[string]*network.Network{},
		vpns: map[string]*network.VPN{},
	}
	b.plan.Sites = []*network.Site{b.site}
	b.plan.Tenants = []*network.Tenant{{Name: "home", Pos: b.site.Pos, Namespaces: []string{"seed"},
		Pools: []string{"lan-pool", "online-pool"}, VPNs: []string{"shared", "private"}, Online: true}}
	for _, r := range rows {
		b.row(r)
	}
	return b.plan
}

type seedBuilder struct {
	plan *network.Plan
	site *network.Site
	nets map[string]*network.Network // by prefix as written
	vpns map[string]*network.VPN     // by tag
	vip  netip.Addr                  // the address in the vip network
}

// row adds what one row says: the cluster, a VPN, or a network (once: the VIP row gives its network and
// its address at once) and the address or service on it.
func (b *seedBuilder) row(r seedtable.Row) {
	at := network.Pos{File: seedFile, Line: r.Line}
	switch {
	case r.Tag == "kubernetes.local":
		b.podCIDR(r, at)
		return
	case strings.HasPrefix(r.Tag, "openvpn "):
		b.vpn(r, at)
		return
	}
	n := b.nets[r.Prefix.String()]
	if n == nil {
		n = b.network(r, at)
	}
	switch {
	case !r.Address.IsValid():
	case n.Role == network.RolePool:
		b.service(n, r, at)
	default:
		b.address(n, r.Address, slug(r.Description), at)
	}
}

func (b *seedBuilder) network(r seedtable.Row, at network.Pos) *network.Network {
	s := seedNetworks[r.Prefix.String()]
	n := &network.Network{Pos: at, Name: s.name, Prefix: r.Prefix, Role: s.role, Tenant: "home", VLAN: 1,
		Access: network.AccessPrivate, Description: r.Description, Site: b.site}
	if s.role == network.RolePool {
		n.Pool = &network.Pool{Pos: at, Exposure: s.exposure, Mode: network.ModeL2, AvoidBuggyIPs: true}
	}
	if p := b.byName(s.parent); p != nil {
		n.Parent = p
		p.Networks = append(p.Networks, n)
	} else {
		b.site.Networks = append(b.site.Networks, n)
	}
	b.nets[r.Prefix.String()] = n
	b.plan.Networks = append(b.plan.Networks, n)
	return n
}

func (b *seedBuilder) byName(name string) *network.Network {
	for _, n := range b.nets {
		if n.Name == name {
			return n
		}
	}
	return nil
}

func (b *seedBuilder) address(n *network.Network, ip netip.Addr, name string, at network.Pos) *network.Address {
	a := &network.Address{Pos: at, IP: ip, Name: name, Network: n}
	n.Addresses = append(n.Addresses, a)
	b.plan.Addresses = append(b.plan.Addresses, a)
	if n.Role == network.RoleVIP {
		b.vip = ip
	}
	return a
}

func (b *seedBuilder) service(pool *network.Network, r seedtable.Row, at network.Pos) {
	b.plan.Services = append(b.plan.Services, &network.Service{Pos: at, Name: slug(r.Description), Namespace: "seed",
		Description: r.Description, Tenant: "home", Pool: pool.Name, IP: r.Address, Exposure: pool.Pool.Exposure,
		Ports: []network.Port{{Pos: at, Name: "http", Port: 80, Protocol: network.TCP, TargetPort: 80}}, PoolNet: pool})
}

func (b *seedBuilder) podCIDR(r seedtable.Row, at network.Pos) {
	c := &network.Cluster{Pos: at, Name: "homelab", Context: "homelab", Tenant: "home", PodCIDR: r.Prefix,
		ServiceCIDR: netip.MustParsePrefix("10.96.0.0/12"), DNSDomain: r.Tag, APIVIP: b.vip}
	c.Weave.IPAllocRange = c.PodCIDR
	b.plan.Clusters = append(b.plan.Clusters, c)
	b.synthesize(at, "homelab-pods", c.PodCIDR, network.RolePod)
	b.synthesize(at, "homelab-services", c.ServiceCIDR, network.RoleService)
	b.site.Cluster = c.Name
}

func (b *seedBuilder) synthesize(at network.Pos, name string, p netip.Prefix, role network.Role) *network.Network {
	n := &network.Network{Pos: at, Name: name, Prefix: p, Role: role, Tenant: "home", Access: network.AccessPrivate}
	b.plan.Networks = append(b.plan.Networks, n)
	return n
}

// vpn makes a VPN of its prefix row and gives it its server from its address row.
func (b *seedBuilder) vpn(r seedtable.Row, at network.Pos) {
	v := b.vpns[r.Tag]
	if v == nil {
		name := strings.TrimPrefix(r.Tag, "openvpn ")
		v = &network.VPN{Pos: at, Name: name, Description: r.Description, Type: network.OpenVPN, Tenant: "home",
			Prefix: r.Prefix, Tenants: []string{"home"}, Sites: []string{"home"}}
		v.Network = b.synthesize(at, "vpn-"+name, r.Prefix, network.RoleVPN)
		b.vpns[r.Tag] = v
		b.plan.VPNs = append(b.plan.VPNs, v)
	}
	if r.Address.IsValid() {
		v.Server = b.address(v.Network, r.Address, v.Name+"-server", at)
	}
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a name of a description: "LAN Traefik 2.x" is lan-traefik-2-x.
func slug(s string) string {
	return strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// TestSeedTable checks the seed's table word for word and asserts every finding: 192.168.5.0/20 has host
// bits set, and the /20 it masks to overlaps the four /24s below it and the services /24 above it (and
// so the pools inside that /24, which are left out as the overlap is reported one level up). The seed
// gives nothing else to report.
func TestSeedTable(t *testing.T) {
	res := check(t, seedPlan(t))
	at := network.Pos{File: seedFile, Line: 31}
	want := []finding{
		{"cidr.canonical", policy.Deny, "network/vip", "", at},
		{"cidr.overlap", policy.Deny, "network/vip", "network/common", at},
		{"cidr.overlap", policy.Deny, "network/vip", "network/infrastructure", at},
		{"cidr.overlap", policy.Deny, "network/vip", "network/iot", at},
		{"cidr.overlap", policy.Deny, "network/vip", "network/quarantine", at},
		{"cidr.overlap", policy.Deny, "network/vip", "network/services", at},
	}
	if diff := cmp.Diff(want, summarize(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.Excepted) != 0 {
		t.Errorf("excepted %v, want none", res.Excepted)
	}
	if msg := res.Findings[0].Message; !strings.Contains(msg, "192.168.5.0/20") || !strings.Contains(msg, "192.168.0.0/20") {
		t.Errorf("canonical message %q names neither the prefix as written nor what it means", msg)
	}
}

// finding is the part of a policy.Finding that tests compare.
type finding struct {
	Rule     string
	Severity policy.Severity
	Entity   string
	Related  string
	Pos      network.Pos
}

func summarize(list []policy.Finding) []finding {
	out := make([]finding, len(list))
	for i, f := range list {
		out[i] = finding{f.Rule, f.Severity, f.Entity, f.Related, f.Pos}
	}
	return out
}

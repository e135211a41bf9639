package policy

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/network"
)

// tree builds networks from "name prefix parent" lines, in order; parent is "-" for none.
func tree(t *testing.T, lines ...[3]string) []*network.Network {
	t.Helper()
	byName := map[string]*network.Network{}
	var out []*network.Network
	for _, l := range lines {
		n := &network.Network{Name: l[0], Prefix: netip.MustParsePrefix(l[1]), Parent: byName[l[2]]}
		byName[n.Name] = n
		out = append(out, n)
	}
	return out
}

func pairs(list []overlap) [][2]string {
	var out [][2]string
	for _, o := range list {
		out = append(out, [2]string{o.Outer.Name, o.Inner.Name})
	}
	return out
}

func TestOverlaps(t *testing.T) {
	for _, c := range []struct {
		name string
		nets [][3]string
		want [][2]string
	}{
		{"declared nesting is no overlap", [][3]string{{"lb", "10.0.6.0/24", "-"}, {"lan", "10.0.6.0/25", "lb"}, {"online", "10.0.6.128/25", "lb"}}, nil},
		{"apart", [][3]string{{"a", "10.0.1.0/24", "-"}, {"b", "10.0.2.0/24", "-"}}, nil},
		{"overlapping siblings", [][3]string{{"lb", "10.0.6.0/24", "-"}, {"lan", "10.0.6.0/25", "lb"}, {"more", "10.0.6.64/26", "lb"}},
			[][2]string{{"lan", "more"}}},
		{"reported at the highest level only", [][3]string{
			{"big", "10.0.5.0/20", "-"}, {"lb", "10.0.6.0/24", "-"}, {"lan", "10.0.6.0/25", "lb"}, {"x", "10.0.6.0/27", "lan"}, {"c", "10.0.3.0/24", "-"}},
			[][2]string{{"big", "lb"}, {"big", "c"}}},
		{"children of both sides", [][3]string{
			{"a", "10.0.0.0/16", "-"}, {"a1", "10.0.1.0/24", "a"}, {"b", "10.0.1.0/24", "-"}, {"b1", "10.0.1.0/25", "b"}},
			[][2]string{{"a", "b"}}},
		{"identical prefixes", [][3]string{{"a", "10.0.1.0/24", "-"}, {"b", "10.0.1.0/24", "-"}}, [][2]string{{"a", "b"}}},
		{"a child equal to its parent", [][3]string{{"a", "10.0.1.0/24", "-"}, {"b", "10.0.1.0/24", "a"}}, nil},
		{"IPv6, and no pair across families", [][3]string{{"v6", "fd00::/48", "-"}, {"v6b", "fd00:0:0:1::/64", "-"}, {"v4", "0.0.0.0/0", "-"}},
			[][2]string{{"v6", "v6b"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, pairs(overlaps(tree(t, c.nets...)))); diff != "" {
				t.Errorf("overlaps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEdge(t *testing.T) {
	for _, c := range []struct{ prefix, ip, want string }{
		{"192.168.4.0/24", "192.168.4.0", "network"},
		{"192.168.4.0/24", "192.168.4.255", "broadcast"},
		{"192.168.4.0/24", "192.168.4.1", ""},
		{"192.168.5.0/20", "192.168.15.255", "broadcast"}, // non-canonical: judged as the /20 it masks to
		{"192.168.6.128/25", "192.168.6.128", "network"},
		{"10.0.0.0/30", "10.0.0.3", "broadcast"},
		{"10.0.0.0/31", "10.0.0.0", ""}, // point to point: both addresses are hosts
		{"10.0.0.0/24", "10.0.1.0", ""}, // outside: another rule's business
		{"fd00::/64", "fd00::", ""},
	} {
		if got := edge(netip.MustParsePrefix(c.prefix), netip.MustParseAddr(c.ip)); got != c.want {
			t.Errorf("edge(%s, %s) = %q, want %q", c.prefix, c.ip, got, c.want)
		}
	}
}

func TestSegmentSkipsPools(t *testing.T) {
	nets := tree(t, [3]string{"lb", "192.168.6.0/24", "-"}, [3]string{"online", "192.168.6.128/25", "lb"})
	nets[1].Role = network.RolePool
	if got := segment(nets[1]); got != nets[0] {
		t.Errorf("segment of a pool = %v, want its parent", got.Name)
	}
	if got := segment(nets[0]); got != nets[0] {
		t.Errorf("segment of a network = %v, want itself", got.Name)
	}
}

func TestContaining(t *testing.T) {
	nets := tree(t, [3]string{"big", "10.0.5.0/20", "-"}, [3]string{"lan", "10.0.6.0/24", "-"},
		[3]string{"twin", "10.0.6.0/24", "-"}, [3]string{"pool", "10.0.6.0/25", "lan"}, [3]string{"v6", "fd00::/8", "-"})
	ix := newPrefixIndex(nets)
	got := names(ix.containing(netip.MustParsePrefix("10.0.6.9/32")), nil)
	if diff := cmp.Diff([]string{"big", "lan", "twin", "pool"}, got); diff != "" {
		t.Errorf("containing (-want +got):\n%s", diff)
	}
	if got := ix.containing(netip.MustParsePrefix("10.1.0.0/16")); len(got) != 0 {
		t.Errorf("containing 10.1.0.0/16 = %v, want none", names(got, nil))
	}
}

func TestSharedIPs(t *testing.T) {
	ip := netip.MustParseAddr
	a := &network.Address{Name: "a", IP: ip("10.0.0.1")}
	b := &network.Address{Name: "b", IP: ip("10.0.0.2")}
	c := &network.Address{Name: "c", IP: ip("10.0.0.1")}
	dns := &network.Service{Name: "udp", Namespace: "dns", IP: ip("10.0.0.1")}
	web := &network.Service{Name: "web", Namespace: "apps", IP: ip("10.0.0.0")}
	web2 := &network.Service{Name: "web2", Namespace: "apps", IP: ip("10.0.0.0")}
	hs := []holder{{IP: a.IP, addr: a}, {IP: b.IP, addr: b}, {IP: c.IP, addr: c}, {IP: dns.IP, svc: dns},
		{IP: web.IP, svc: web}, {IP: web2.IP, svc: web2}}
	var got []string
	for _, g := range sharedIPs(hs) {
		got = append(got, g.IP.String())
		for _, h := range append(g.Addresses, g.Services...) {
			got = append(got, h.kind()+" "+h.key())
		}
	}
	want := []string{"10.0.0.0", "service apps/web", "service apps/web2", "10.0.0.1", "address a", "address c", "service dns/udp"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shared IPs (-want +got):\n%s", diff)
	}
}

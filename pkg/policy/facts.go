package policy

import (
	"net/netip"
	"slices"

	"github.com/netops/netops/pkg/network"
)

// facts are what netops computes in Go and gives the policies as input.facts, so that no rule compares
// pairs: overlaps come from one sorted sweep, shared IPs from one sort, and containment from a lookup
// per prefix length.
type facts struct {
	Noncanonical        []*network.Network // prefix with host bits set
	OutsideParent       []*network.Network // not inside its declared parent
	Overlaps            []overlap
	AddressesOutside    []holder // not inside the network they are declared in
	ServicesOutsidePool []holder
	Boundaries          []boundary
	SharedIPs           []sharedIP
	Quarantined         []holding // IPs inside a network with role unused
}

// overlap is two networks that share addresses without being declared nested: Outer contains Inner.
type overlap struct{ Outer, Inner *network.Network }

// holder is an address or a service: something that holds an IP, declared in a network (for a
// service, its pool).
type holder struct {
	IP   netip.Addr
	In   *network.Network
	addr *network.Address // one of addr and svc is set
	svc  *network.Service
}

func (h holder) kind() string {
	if h.addr != nil {
		return "address"
	}
	return "service"
}

// key is the holder's entity id without its kind.
func (h holder) key() string {
	if h.addr != nil {
		return addressKey(h.addr)
	}
	return serviceKey(h.svc)
}

// boundary is an IP that is the network or broadcast address of Network.
type boundary struct {
	holder
	Network *network.Network
	Is      string // "network" or "broadcast"
}

// sharedIP is an IP that more than one address or service uses, in plan order.
type sharedIP struct {
	IP        netip.Addr
	Addresses []holder
	Services  []holder
}

// holding is an IP that lies in Network.
type holding struct {
	holder
	Network *network.Network
}

func computeFacts(p *network.Plan) facts {
	hs := holders(p)
	f := facts{
		Noncanonical:  filter(p.Networks, func(n *network.Network) bool { return n.Prefix.IsValid() && n.Prefix != n.Prefix.Masked() }),
		OutsideParent: filter(p.Networks, outsideParent),
		Overlaps:      overlaps(p.Networks),
		SharedIPs:     sharedIPs(hs),
	}
	unused := newPrefixIndex(filter(p.Networks, func(n *network.Network) bool { return n.Role == network.RoleUnused }))
	for _, h := range hs {
		f.place(h, unused)
	}
	return f
}

func filter(nets []*network.Network, keep func(*network.Network) bool) []*network.Network {
	var out []*network.Network
	for _, n := range nets {
		if keep(n) {
			out = append(out, n)
		}
	}
	return out
}

func outsideParent(n *network.Network) bool {
	return n.Parent != nil && n.Prefix.IsValid() && n.Parent.Prefix.IsValid() && !covers(n.Parent.Prefix, n.Prefix)
}

// covers reports whether a contains b, both taken masked, as MetalLB and the kernel would.
func covers(a, b netip.Prefix) bool {
	return a.Bits() <= b.Bits() && a.Masked().Contains(b.Masked().Addr())
}

// holders lists every address, then every service, that has an IP.
func holders(p *network.Plan) []holder {
	hs := make([]holder, 0, len(p.Addresses)+len(p.Services))
	for _, a := range p.Addresses {
		if a.IP.IsValid() {
			hs = append(hs, holder{IP: a.IP, In: a.Network, addr: a})
		}
	}
	for _, s := range p.Services {
		if s.IP.IsValid() {
			hs = append(hs, holder{IP: s.IP, In: s.PoolNet, svc: s})
		}
	}
	return hs
}

// place records where an IP lies: outside its network, on a boundary, or in an unused network.
func (f *facts) place(h holder, unused *prefixIndex) {
	if h.In != nil && h.In.Prefix.IsValid() && !h.In.Prefix.Masked().Contains(h.IP) {
		if h.addr != nil {
			f.AddressesOutside = append(f.AddressesOutside, h)
		} else {
			f.ServicesOutsidePool = append(f.ServicesOutsidePool, h)
		}
	}
	if seg := segment(h.In); seg != nil {
		if is := edge(seg.Prefix, h.IP); is != "" {
			f.Boundaries = append(f.Boundaries, boundary{holder: h, Network: seg, Is: is})
		}
	}
	for _, n := range unused.containing(netip.PrefixFrom(h.IP, h.IP.BitLen())) {
		f.Quarantined = append(f.Quarantined, holding{holder: h, Network: n})
	}
}

// segment is the network an IP of n is judged against for the network and broadcast addresses: n itself
// or its nearest ancestor whose role is not pool, since a pool is a slice of a segment.
func segment(n *network.Network) *network.Network {
	for n != nil && n.Role == network.RolePool {
		n = n.Parent
	}
	return n
}

// edge says whether ip is the network or the broadcast address of an IPv4 prefix from /0 to /30.
func edge(p netip.Prefix, ip netip.Addr) string {
	if !p.IsValid() || !p.Addr().Is4() || !ip.Is4() || p.Bits() > 30 || !p.Masked().Contains(ip) {
		return ""
	}
	switch ip {
	case p.Masked().Addr():
		return "network"
	case lastAddr(p):
		return "broadcast"
	}
	return ""
}

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// sharedIPs finds the IPs that more than one holder uses, in IP order.
func sharedIPs(hs []holder) []sharedIP {
	first := make(map[netip.Addr]int, len(hs))
	groups := map[netip.Addr][]int{}
	for i, h := range hs {
		j, seen := first[h.IP]
		switch {
		case !seen:
			first[h.IP] = i
		case groups[h.IP] == nil:
			groups[h.IP] = []int{j, i}
		default:
			groups[h.IP] = append(groups[h.IP], i)
		}
	}
	out := make([]sharedIP, 0, len(groups))
	for ip, list := range groups {
		g := sharedIP{IP: ip, Addresses: []holder{}, Services: []holder{}}
		for _, i := range list {
			if hs[i].addr != nil {
				g.Addresses = append(g.Addresses, hs[i])
			} else {
				g.Services = append(g.Services, hs[i])
			}
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b sharedIP) int { return a.IP.Compare(b.IP) })
	return out
}

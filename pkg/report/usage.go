package report

import (
	"fmt"
	"html/template"
	"net/netip"
	"slices"
	"strconv"

	"github.com/netops/netops/pkg/network"
)

// Usage is how much of a prefix the plan uses: addresses and service IPs are used; the first and
// last address of a segment, and the .0 and .255 a MetalLB pool avoids, are reserved; the rest is free.
type Usage struct {
	Used     uint64
	Reserved uint64
	Free     string // digits up to 2^32 addresses, a power of two above
	Size     string
	Bar      template.HTML // an SVG bar of the three
}

func (b *builder) usage(n *network.Network) Usage {
	p := n.Prefix.Masked()
	used := b.ips.in(p)
	host := p.Addr().BitLen() - p.Bits()
	u := Usage{Used: uint64(len(used)), Reserved: reservedCount(n, used), Size: amount(host, 0)}
	u.Free = amount(host, u.Used+u.Reserved)
	u.Bar = bar(host, u.Used, u.Reserved)
	return u
}

// amount is 2^host addresses less taken, in digits up to 2^32 and as a power of two above.
func amount(host int, taken uint64) string {
	switch {
	case host <= 32:
		return strconv.FormatUint(1<<host-taken, 10)
	case taken == 0:
		return fmt.Sprintf("2^%d", host)
	}
	return fmt.Sprintf("2^%d-%d", host, taken)
}

// bar draws used and reserved out of 2^host addresses, on a free background.
func bar(host int, used, reserved uint64) template.HTML {
	u, r := share(host, used), share(host, reserved)
	return template.HTML(fmt.Sprintf(`<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">`+
		`<rect class="bu" width="%d" height="10"/><rect class="br" x="%d" width="%d" height="10"/></svg>`, u, u, r))
}

// share is n out of 2^host in thousandths, at least 1 when n is not 0, so that one address shows.
func share(host int, n uint64) int {
	switch {
	case n == 0:
		return 0
	case host >= 54:
		return 1
	}
	return max(1, int(n*1000>>host))
}

// segment is the outermost network around n: the one its addresses share a broadcast domain with.
func segment(n *network.Network) *network.Network {
	for n.Parent != nil {
		n = n.Parent
	}
	return n
}

// edges are the first and last address of n's segment, when it is an IPv4 network of a /30 or wider.
func edges(n *network.Network) []netip.Addr {
	p := segment(n).Prefix.Masked()
	if !p.Addr().Is4() || p.Bits() > 30 {
		return nil
	}
	return []netip.Addr{p.Addr(), last(p)}
}

// avoidsBuggy reports whether n is a pool in which MetalLB hands out no .0 and no .255 address.
func avoidsBuggy(n *network.Network) bool { return n.Pool != nil && n.Pool.AvoidBuggyIPs }

func buggy(a netip.Addr) bool { return a.Is4() && (a.As4()[3] == 0 || a.As4()[3] == 255) }

// reservedCount counts the reserved addresses of n that are not in used, which is sorted.
func reservedCount(n *network.Network, used []netip.Addr) uint64 {
	p := n.Prefix.Masked()
	var c uint64
	for _, a := range edges(n) {
		if p.Contains(a) && !(avoidsBuggy(n) && buggy(a)) && !contains(used, a) {
			c++
		}
	}
	if avoidsBuggy(n) {
		c += buggyCount(p)
		for _, a := range used {
			if buggy(a) {
				c--
			}
		}
	}
	return c
}

// buggyCount counts the IPv4 addresses of p that end in .0 or .255.
func buggyCount(p netip.Prefix) uint64 {
	if !p.Addr().Is4() {
		return 0
	}
	if p.Bits() < 24 {
		return 2 << (24 - p.Bits())
	}
	var c uint64
	for _, a := range slices.Compact([]netip.Addr{p.Addr(), last(p)}) {
		if buggy(a) {
			c++
		}
	}
	return c
}

func contains(sorted []netip.Addr, a netip.Addr) bool {
	_, ok := slices.BinarySearchFunc(sorted, a, netip.Addr.Compare)
	return ok
}

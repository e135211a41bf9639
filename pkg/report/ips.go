package report

import (
	"net/netip"
	"slices"

	"github.com/netops/netops/pkg/network"
)

// item is something that holds an IP: an address or a service.
type item struct {
	ip      netip.Addr
	kind    string // address or service
	name    string
	entity  string // as policy.Entity names it
	where   string // the network or pool it is in
	tenant  string
	pos     network.Pos
	section string // the id of the section that shows it
}

// ipIndex finds the items at an IP and counts the IPs in a prefix.
type ipIndex struct {
	sorted []netip.Addr // every IP that an item holds, once
	at     map[netip.Addr][]*item
}

func newIPIndex(items []*item) ipIndex {
	x := ipIndex{at: map[netip.Addr][]*item{}}
	for _, it := range items {
		if !it.ip.IsValid() {
			continue
		}
		if len(x.at[it.ip]) == 0 {
			x.sorted = append(x.sorted, it.ip)
		}
		x.at[it.ip] = append(x.at[it.ip], it)
	}
	slices.SortFunc(x.sorted, netip.Addr.Compare)
	return x
}

// in lists the IPs held in p, in order.
func (x ipIndex) in(p netip.Prefix) []netip.Addr {
	p = p.Masked()
	lo, _ := slices.BinarySearchFunc(x.sorted, p.Addr(), netip.Addr.Compare)
	hi := lo + sortedCount(x.sorted[lo:], last(p))
	return x.sorted[lo:hi]
}

// sortedCount counts the leading IPs of list that are at most end.
func sortedCount(list []netip.Addr, end netip.Addr) int {
	n, found := slices.BinarySearchFunc(list, end, netip.Addr.Compare)
	if found {
		n++
	}
	return n
}

// last is the last address of a prefix.
func last(p netip.Prefix) netip.Addr {
	p = p.Masked()
	b := p.Addr().As16()
	host := p.Addr().BitLen() - p.Bits()
	for i := 15; host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	a := netip.AddrFrom16(b)
	if p.Addr().Is4() {
		return a.Unmap()
	}
	return a
}

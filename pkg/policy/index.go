package policy

import (
	"net/netip"
	"slices"

	"github.com/netops/netops/pkg/network"
)

// prefixIndex finds the networks that contain a prefix, by looking up each prefix length in use.
type prefixIndex struct {
	byPrefix map[netip.Prefix][]*network.Network // by masked prefix, in plan order
	lengths  map[int][]int                       // by address length (32, 128): the prefix lengths in use, shortest first
}

func newPrefixIndex(nets []*network.Network) *prefixIndex {
	ix := &prefixIndex{byPrefix: map[netip.Prefix][]*network.Network{}, lengths: map[int][]int{}}
	for _, n := range nets {
		if !n.Prefix.IsValid() {
			continue
		}
		p := n.Prefix.Masked()
		if len(ix.byPrefix[p]) == 0 {
			bl := p.Addr().BitLen()
			ix.lengths[bl] = append(ix.lengths[bl], p.Bits())
		}
		ix.byPrefix[p] = append(ix.byPrefix[p], n)
	}
	for bl, ls := range ix.lengths {
		slices.Sort(ls)
		ix.lengths[bl] = slices.Compact(ls)
	}
	return ix
}

// containing lists the networks whose prefix contains p, p's own included, outermost first.
func (ix *prefixIndex) containing(p netip.Prefix) []*network.Network {
	if !p.IsValid() {
		return nil
	}
	var out []*network.Network
	for _, bits := range ix.lengths[p.Addr().BitLen()] {
		if bits > p.Bits() {
			break
		}
		out = append(out, ix.byPrefix[netip.PrefixFrom(p.Addr(), bits).Masked()]...)
	}
	return out
}

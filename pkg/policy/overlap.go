package policy

import (
	"cmp"
	"slices"

	"github.com/netops/netops/pkg/network"
)

// overlaps finds the networks that share addresses without being declared nested.
//
// Two CIDR prefixes share addresses only when one contains the other, so one sweep finds every pair:
// sort the masked prefixes by address and then by length, keep a stack of the prefixes that contain the
// current one, and pair the current one with each of them. A non-canonical prefix counts as the range
// it masks to (192.168.5.0/20 is 192.168.0.0/20), as MetalLB and the kernel take it.
//
// The semantics: two networks overlap unless one is a declared ancestor of the other. A pair is reported
// only at the highest level of nesting where it occurs: when A overlaps B, A's children that overlap B
// (and A's overlaps with B's children) are left out, so a misplaced /20 is reported once against each
// /24 it swallows and not again against the pools inside them. Siblings that overlap are reported
// themselves, since their parent is their ancestor and overlaps neither.
//
// The pairs come in plan order of the outer network, then of the inner one.
func overlaps(nets []*network.Network) []overlap {
	order := make(map[*network.Network]int, len(nets))
	for i, n := range nets {
		order[n] = i
	}
	candidates := map[[2]*network.Network]bool{}
	var pairs []overlap
	for _, o := range containment(nets) {
		if ancestor(o.Outer, o.Inner) || ancestor(o.Inner, o.Outer) {
			continue
		}
		candidates[unordered(o.Outer, o.Inner, order)] = true
		pairs = append(pairs, o)
	}
	highest := pairs[:0]
	for _, o := range pairs {
		if !below(o, candidates, order) {
			highest = append(highest, o)
		}
	}
	slices.SortFunc(highest, func(a, b overlap) int {
		return cmp.Or(cmp.Compare(order[a.Outer], order[b.Outer]), cmp.Compare(order[a.Inner], order[b.Inner]))
	})
	return highest
}

// containment lists every pair of networks where Outer's masked prefix contains Inner's.
func containment(nets []*network.Network) []overlap {
	sorted := filter(nets, func(n *network.Network) bool { return n.Prefix.IsValid() })
	slices.SortStableFunc(sorted, func(a, b *network.Network) int {
		pa, pb := a.Prefix.Masked(), b.Prefix.Masked()
		return cmp.Or(pa.Addr().Compare(pb.Addr()), cmp.Compare(pa.Bits(), pb.Bits()))
	})
	var stack []*network.Network
	var out []overlap
	for _, n := range sorted {
		for len(stack) > 0 && !covers(stack[len(stack)-1].Prefix, n.Prefix) {
			stack = stack[:len(stack)-1]
		}
		for _, s := range stack {
			out = append(out, overlap{Outer: s, Inner: n})
		}
		stack = append(stack, n)
	}
	return out
}

// ancestor reports whether a is a declared ancestor of n.
func ancestor(a, n *network.Network) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == a {
			return true
		}
	}
	return false
}

// below reports whether an overlap also occurs one level up: between the parent of either side and the
// other side.
func below(o overlap, candidates map[[2]*network.Network]bool, order map[*network.Network]int) bool {
	if p := o.Outer.Parent; p != nil && candidates[unordered(p, o.Inner, order)] {
		return true
	}
	p := o.Inner.Parent
	return p != nil && candidates[unordered(o.Outer, p, order)]
}

func unordered(a, b *network.Network, order map[*network.Network]int) [2]*network.Network {
	if order[a] > order[b] {
		a, b = b, a
	}
	return [2]*network.Network{a, b}
}

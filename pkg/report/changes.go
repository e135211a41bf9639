package report

import (
	"net/netip"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// The actions of a change.
const (
	Added   = "added"
	Removed = "removed"
	Moved   = "moved" // the same name at another prefix or IP
)

// Change is a network, address or service that the change adds, removes or moves.
type Change struct {
	Action string
	Kind   string // network, address or service
	Name   string // the entity id without its kind, such as home/router
	From   string // the prefix or IP at the base; "" when added
	To     string // the prefix or IP now; "" when removed
	Pos    string // where it is declared now, or was at the base when removed
	Anchor string // the id of the element that shows it; "" when removed
}

// entry is one network, address or service of a plan, as the changes compare them.
type entry struct {
	kind, entity, value string
	ip                  netip.Addr // of an address or service
	pos                 network.Pos
}

func entries(p *network.Plan) [][]entry {
	var nets, addrs, svcs []entry
	for _, n := range p.Networks {
		nets = append(nets, entry{kind: "network", entity: policy.Entity(n), value: n.Prefix.String(), pos: n.Pos})
	}
	for _, a := range p.Addresses {
		addrs = append(addrs, entry{kind: "address", entity: policy.Entity(a), value: a.IP.String(), ip: a.IP, pos: a.Pos})
	}
	for _, s := range p.Services {
		svcs = append(svcs, entry{kind: "service", entity: policy.Entity(s), value: s.IP.String(), ip: s.IP, pos: s.Pos})
	}
	return [][]entry{nets, addrs, svcs}
}

// changes lists what changed from base to the report's plan, kind by kind: what was added or moved
// in the plan's order, then what was removed in the base's order. It records each change on its
// entity, and each removed or moved address and service as a ghost at its old IP.
func (b *builder) changes(base *network.Plan) []*Change {
	var out []*Change
	before, after := entries(base), entries(b.plan)
	for k := range after {
		out = append(out, b.diff(before[k], after[k])...)
	}
	return out
}

func (b *builder) diff(before, after []entry) []*Change {
	old := map[string]entry{}
	for _, e := range before {
		old[e.entity] = e
	}
	var out []*Change
	for _, e := range after {
		prev, ok := old[e.entity]
		delete(old, e.entity)
		switch {
		case !ok:
			out = append(out, b.record(e, &Change{Action: Added, To: e.value}))
		case prev.value != e.value:
			out = append(out, b.record(e, &Change{Action: Moved, From: prev.value, To: e.value}))
			b.ghost(prev, out[len(out)-1])
		}
	}
	for _, e := range before {
		if _, gone := old[e.entity]; gone {
			c := &Change{Action: Removed, Kind: e.kind, Name: nameOf(e), From: e.value, Pos: e.pos.String()}
			out = append(out, c)
			b.ghost(e, c)
		}
	}
	return out
}

func (b *builder) record(e entry, c *Change) *Change {
	c.Kind, c.Name, c.Pos, c.Anchor = e.kind, nameOf(e), e.pos.String(), b.anchors[e.entity]
	b.changed[e.entity] = c
	return c
}

// ghost is an address or service that a change removed from an IP, or moved away from it.
type ghost struct {
	ip     netip.Addr
	change *Change
}

func (b *builder) ghost(e entry, c *Change) {
	if e.ip.Is4() {
		k := block(e.ip)
		b.ghosts[k] = append(b.ghosts[k], ghost{ip: e.ip, change: c})
	}
}

func nameOf(e entry) string { return e.entity[len(e.kind)+1:] }

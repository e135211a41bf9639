package report

import (
	"net/netip"
	"strconv"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// builder holds the indexes that New builds a report from.
type builder struct {
	plan    *network.Plan
	ips     ipIndex
	wide    []*network.Network                  // IPv4 networks wider than a /24
	narrow  map[netip.Prefix][]*network.Network // IPv4 networks of a /24 or smaller, by their /24
	tenants map[string]string                   // tenant → its colour class
	pools   map[*network.Network][]*network.Service
	anchors map[string]string        // entity id → the id of the element that shows it
	marks   map[string][]*Finding    // entity id → the findings about it
	changed map[string]*Change       // entity id → what the change did to it
	ghosts  map[netip.Prefix][]ghost // /24 → the addresses and services that were there at the base
}

func newBuilder(p *network.Plan) *builder {
	b := &builder{plan: p, narrow: map[netip.Prefix][]*network.Network{}, tenants: map[string]string{},
		pools: map[*network.Network][]*network.Service{}, anchors: map[string]string{},
		marks: map[string][]*Finding{}, changed: map[string]*Change{}, ghosts: map[netip.Prefix][]ghost{}}
	for i, t := range p.Tenants {
		b.tenants[t.Name] = "t" + strconv.Itoa(i%tenantColours)
	}
	for _, n := range p.Networks {
		b.index(n)
	}
	for _, s := range p.Services {
		b.pools[s.PoolNet] = append(b.pools[s.PoolNet], s)
	}
	return b
}

// tenantColours is how many tenant colours the page's style has; more tenants reuse them in turn.
const tenantColours = 8

func (b *builder) index(n *network.Network) {
	p := n.Prefix.Masked()
	switch {
	case !p.Addr().Is4():
	case p.Bits() < 24:
		b.wide = append(b.wide, n)
	default:
		k := block(p.Addr())
		b.narrow[k] = append(b.narrow[k], n)
	}
}

// tenantClass is the colour class of a tenant: gray for one the plan does not declare.
func (b *builder) tenantClass(name string) string {
	if c, ok := b.tenants[name]; ok {
		return c
	}
	return "tx"
}

// block is the /24 that holds an IPv4 address.
func block(a netip.Addr) netip.Prefix { return netip.PrefixFrom(a, 24).Masked() }

// items lists every address and service of the plan, each with the section that shows it.
func (b *builder) items(sectionOf func(*network.Network) string) []*item {
	var out []*item
	for _, a := range b.plan.Addresses {
		it := &item{ip: a.IP, kind: "address", name: a.Name, entity: policy.Entity(a), pos: a.Pos}
		if a.Network != nil {
			it.where, it.tenant, it.section = a.Network.Name, a.Network.Tenant, sectionOf(a.Network)
		}
		out = append(out, it)
	}
	for _, s := range b.plan.Services {
		it := &item{ip: s.IP, kind: "service", name: s.Namespace + "/" + s.Name, entity: policy.Entity(s),
			where: s.Pool, tenant: s.Tenant, pos: s.Pos}
		if s.PoolNet != nil {
			it.section = sectionOf(s.PoolNet)
		}
		out = append(out, it)
	}
	return out
}

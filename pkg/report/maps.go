package report

import (
	"cmp"
	"fmt"
	"html/template"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// Map is the SVG map of one IPv4 /24 of a section, a cell per address: coloured by the role of its
// network, by the tenant of what uses it, hatched when reserved, and outlined where a finding or a
// change concerns it. Each cell's title says what it is and where it is declared.
type Map struct {
	ID     string
	Prefix string
	Marked bool // whether a finding concerns a cell or a network in it
	SVG    template.HTML
}

// cell is the side of one address's square, in pixels; a map is 16 by 16 cells.
const cell = 14

func (b *builder) addressMap(s *Section, p netip.Prefix) *Map {
	m := &Map{ID: mapID(s.ID, p), Prefix: p.String()}
	var body, marks svgWriter
	body.rect(span{0, 256}, "bg", p.String()+": in no network", "")
	nets := b.netsIn(p)
	for _, n := range nets {
		b.drawNetwork(&body, &marks, p, n)
	}
	b.drawReserved(&body, p, nets)
	for _, ip := range b.ips.in(p) {
		b.drawUsed(&body, &marks, s, ip)
	}
	b.drawGhosts(&marks, s, p)
	m.Marked = marks.found
	m.SVG = template.HTML(fmt.Sprintf(`<svg class="map" width="%[1]d" height="%[1]d" viewBox="0 0 %[1]d %[1]d" role="img" aria-label="%[2]s">`+
		`%[3]s<rect class="grid" width="%[1]d" height="%[1]d"/>%[4]s</svg>`, 16*cell, p, body.String(), marks.String()))
	return m
}

// netsIn lists the networks that cover part of p, the widest first.
func (b *builder) netsIn(p netip.Prefix) []*network.Network {
	var out []*network.Network
	for _, n := range b.wide {
		if n.Prefix.Masked().Overlaps(p) {
			out = append(out, n)
		}
	}
	out = append(out, b.narrow[p]...)
	slices.SortStableFunc(out, func(x, y *network.Network) int { return x.Prefix.Bits() - y.Prefix.Bits() })
	return out
}

func (b *builder) drawNetwork(body, marks *svgWriter, p netip.Prefix, n *network.Network) {
	sp := spanOf(p, n.Prefix.Masked())
	id := policy.Entity(n)
	title := fmt.Sprintf("%s %s\n%s network, tenant %s\n%s", n.Name, n.Prefix, n.Role, orNone(n.Tenant), n.Pos)
	title += markLines(b.marks[id]) + changeLines(b.changed[id])
	body.rect(sp, "n r-"+string(n.Role), title, "")
	if sp.n < 256 {
		marks.rect(sp, "edge", "", "")
	}
	outline(marks, sp, b.marks[id], b.changed[id], attr("data-net", n.Name))
}

// drawReserved hatches the first and last address of each segment and the .0 and .255 that pools
// avoid, unless something uses them.
func (b *builder) drawReserved(body *svgWriter, p netip.Prefix, nets []*network.Network) {
	why := map[netip.Addr]string{}
	for _, n := range nets {
		for i, a := range edges(n) {
			why[a] = []string{"network", "broadcast"}[i] + " address of " + segment(n).Name
		}
		if avoidsBuggy(n) {
			for _, a := range []netip.Addr{p.Addr(), last(p)} {
				if n.Prefix.Masked().Contains(a) {
					why[a] = "not handed out by MetalLB in " + n.Name + " (avoidBuggyIPs)"
				}
			}
		}
	}
	for _, a := range slices.SortedFunc(maps.Keys(why), netip.Addr.Compare) {
		if p.Contains(a) && len(b.ips.at[a]) == 0 {
			body.rect(spanOf(p, netip.PrefixFrom(a, 32)), "rsv", a.String()+": "+why[a], "")
		}
	}
}

func (b *builder) drawUsed(body, marks *svgWriter, s *Section, ip netip.Addr) {
	items := b.ips.at[ip]
	found := b.cellMarks(items)
	var changes []*Change
	title := ip.String()
	for _, it := range items {
		title += fmt.Sprintf("\n%s %s, tenant %s, %s", it.kind, it.name, orNone(it.tenant), it.pos)
		changes = append(changes, b.changed[it.entity])
	}
	title += markLines(found)
	var change *Change
	for _, c := range changes {
		title += changeLines(c)
		change = cmp.Or(change, c)
	}
	sp := spanOf(block(ip), netip.PrefixFrom(ip, 32))
	body.rect(sp, "u "+b.tenantClass(items[0].tenant), title, "")
	outline(marks, sp, found, change, attr("data-ip", ip.String()))
	s.count(found, changes...)
}

func (b *builder) drawGhosts(marks *svgWriter, s *Section, p netip.Prefix) {
	for _, g := range b.ghosts[p] {
		c := g.change
		s.count(nil, c)
		title := fmt.Sprintf("%s: %s %s was here at the base; %s", g.ip, c.Kind, c.Name, c.Action)
		if c.Action == Moved {
			title += " to " + c.To
		}
		marks.rect(spanOf(p, netip.PrefixFrom(g.ip, 32)), "o gone", title, attr("data-ip", g.ip.String()))
	}
}

// outline marks a span with the worst finding about it, or else with its change.
func outline(w *svgWriter, sp span, found []*Finding, c *Change, attrs string) {
	var class []string
	if sev := worst(found); sev != "" {
		w.found = true
		class = append(class, sev)
		attrs += attr("data-finding", strings.Join(rules(found), " "))
	}
	if c != nil {
		class = append(class, c.Action)
	}
	if len(class) > 0 {
		w.rect(sp, "o "+strings.Join(class, " "), "", attrs)
	}
}

func rules(list []*Finding) []string {
	var out []string
	for _, f := range list {
		if !slices.Contains(out, f.Rule) {
			out = append(out, f.Rule)
		}
	}
	return out
}

func markLines(list []*Finding) string {
	var s string
	for _, f := range list {
		s += fmt.Sprintf("\n%s %s: %s", f.Severity, f.Rule, f.Message)
	}
	return s
}

func changeLines(c *Change) string {
	switch {
	case c == nil:
		return ""
	case c.Action == Moved:
		return "\nmoved in this change, from " + c.From
	}
	return "\n" + c.Action + " in this change"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

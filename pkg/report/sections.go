package report

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// Section is one part of the page: a site, the cluster's ranges, or the VPNs' ranges.
type Section struct {
	ID          string
	Title       string
	Description string
	Pos         string
	Open        bool // whether the page shows it opened
	Rows        []*Row
	Pools       []*Pool
	Maps        []*Map
	Denies      int
	Warnings    int
	Changes     int

	roots  []*network.Network
	all    []*network.Network // roots and their children, depth first
	blocks []netip.Prefix     // the /24s it maps
	seen   map[any]bool       // the findings and changes counted
}

// Row is one prefix of a section's tree; a section lists its rows depth first.
type Row struct {
	ID          string
	Name        string
	Prefix      string
	Role        string
	Tenant      string
	TenantClass string
	VLAN        int
	Description string
	Pos         string
	Use         Usage
	Marks       []*Finding
	Severity    string // deny or warn when a finding concerns it
	Change      *Change
	Depth       int // 0 for a root of the section, 1 for its children, …
}

// skeleton makes the sections and the indexes that depend on them; fill completes each one.
func (b *builder) skeleton() []*Section {
	var out []*Section
	for _, s := range b.plan.Sites {
		out = append(out, &Section{ID: "site-" + s.Name, Title: "site " + s.Name, Description: s.Description,
			Pos: s.Pos.String(), roots: s.Networks})
	}
	cluster, vpns := b.sharedSections()
	out = append(out, cluster, vpns)
	out = slices.DeleteFunc(out, func(s *Section) bool { return len(s.roots) == 0 })
	of := map[*network.Network]string{}
	for _, s := range out {
		s.all = flatten(s.roots)
		for _, n := range s.all {
			of[n] = s.ID
		}
	}
	b.ips = newIPIndex(b.items(func(n *network.Network) string { return of[n] }))
	for _, s := range out {
		s.blocks = b.blocks(s.all)
		b.anchor(s)
	}
	b.otherAnchors(out)
	return out
}

// sharedSections holds the networks outside every site: the VPNs' prefixes, and the rest, which are
// the clusters' pod and service ranges.
func (b *builder) sharedSections() (cluster, vpns *Section) {
	cluster = &Section{ID: "cluster", Title: "cluster", Description: clusterText(b.plan.Clusters)}
	vpns = &Section{ID: "vpns", Title: "VPNs", Description: vpnText(b.plan.VPNs)}
	isVPN := map[*network.Network]bool{}
	for _, v := range b.plan.VPNs {
		isVPN[v.Network] = true
	}
	for _, n := range b.plan.Networks {
		switch {
		case n.Site != nil || n.Parent != nil:
		case isVPN[n]:
			vpns.roots = append(vpns.roots, n)
		default:
			cluster.roots = append(cluster.roots, n)
		}
	}
	if len(b.plan.Clusters) > 0 {
		cluster.Pos = b.plan.Clusters[0].Pos.String()
		cluster.Title = "cluster " + strings.Join(names(b.plan.Clusters, func(c *network.Cluster) string { return c.Name }), ", ")
	}
	return cluster, vpns
}

func clusterText(list []*network.Cluster) string {
	var parts []string
	for _, c := range list {
		s := c.Description
		if c.APIVIP.IsValid() {
			s += fmt.Sprintf(" API VIP %s.", c.APIVIP)
		}
		parts = append(parts, strings.TrimSpace(s))
	}
	return strings.Join(parts, " ")
}

func vpnText(list []*network.VPN) string {
	var parts []string
	for _, v := range list {
		parts = append(parts, fmt.Sprintf("%s: %s %s, sites %s", v.Name, v.Type, v.Prefix, strings.Join(v.Sites, ", ")))
	}
	return strings.Join(parts, "; ")
}

func names[T any](list []T, name func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = name(v)
	}
	return out
}

func flatten(list []*network.Network) []*network.Network {
	var out []*network.Network
	for _, n := range list {
		out = append(out, n)
		out = append(out, flatten(n.Networks)...)
	}
	return out
}

// blocks lists the /24s that a section maps: those of its networks of a /24 or smaller, and those
// that hold an IP in its wider networks.
func (b *builder) blocks(nets []*network.Network) []netip.Prefix {
	set := map[netip.Prefix]bool{}
	for _, n := range nets {
		p := n.Prefix.Masked()
		switch {
		case !p.Addr().Is4():
		case p.Bits() >= 24:
			set[block(p.Addr())] = true
		default:
			for _, ip := range b.ips.in(p) {
				set[block(ip)] = true
			}
		}
	}
	return slices.SortedFunc(maps.Keys(set), func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
}

// fill completes a section once the findings and changes are known.
func (b *builder) fill(s *Section, sections int) {
	b.rows(s, s.roots, 0)
	for _, n := range s.all {
		if n.Role == network.RolePool {
			s.Pools = append(s.Pools, b.pool(n, s))
		}
	}
	for _, p := range s.blocks {
		s.Maps = append(s.Maps, b.addressMap(s, p))
	}
	s.Open = sections <= openUpTo || s.Denies+s.Warnings+s.Changes > 0
}

func (b *builder) rows(s *Section, list []*network.Network, depth int) {
	for _, n := range list {
		id := policy.Entity(n)
		r := &Row{ID: "net-" + n.Name, Name: n.Name, Prefix: n.Prefix.String(), Role: string(n.Role), Tenant: n.Tenant,
			TenantClass: b.tenantClass(n.Tenant), VLAN: n.VLAN, Description: n.Description, Pos: n.Pos.String(),
			Use: b.usage(n), Marks: b.marks[id], Change: b.changed[id], Depth: depth}
		r.Severity = worst(r.Marks)
		s.count(r.Marks, r.Change)
		s.Rows = append(s.Rows, r)
		b.rows(s, n.Networks, depth+1)
	}
}

// count adds what a row or cell shows to the section's totals, counting each finding and change once.
func (s *Section) count(marks []*Finding, changes ...*Change) {
	if s.seen == nil {
		s.seen = map[any]bool{}
	}
	for _, f := range marks {
		if s.seen[f] {
			continue
		}
		s.seen[f] = true
		switch f.Severity {
		case string(policy.Deny):
			s.Denies++
		case string(policy.Warn):
			s.Warnings++
		}
	}
	for _, c := range changes {
		if c != nil && !s.seen[c] {
			s.seen[c] = true
			s.Changes++
		}
	}
}

// worst is deny when a deny is among the findings, warn when only warnings are, "" for none.
func worst(list []*Finding) string {
	out := ""
	for _, f := range list {
		if f.Severity == string(policy.Deny) {
			return f.Severity
		}
		out = f.Severity
	}
	return out
}

// Indent is how far the row's prefix is indented, in pixels.
func (r *Row) Indent() int { return 8 + 18*r.Depth }

package report

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// Finding is one finding of a check, with the id of the element that shows its entity.
type Finding struct {
	ID         string // f1, f2, …: what the marks link to
	Severity   string
	Rule       string
	Entity     string
	Related    string
	Message    string
	Pos        string
	RelatedPos string
	Status     string // new or existing, when compared with a base
	Anchor     string // the id of the element that shows Entity; "" when none does
	Exception  string // why it is accepted, for an excepted finding
}

// findings lists a check's findings and marks each on its entity and its related entity.
func (b *builder) findings(res *policy.Result) (kept, excepted []*Finding) {
	for i, f := range res.Findings {
		rf := b.finding(f, "f"+strconv.Itoa(i+1))
		b.marks[f.Entity] = append(b.marks[f.Entity], rf)
		if f.Related != "" && f.Related != f.Entity {
			b.marks[f.Related] = append(b.marks[f.Related], rf)
		}
		kept = append(kept, rf)
	}
	for i, f := range res.Excepted {
		rf := b.finding(f, "x"+strconv.Itoa(i+1))
		rf.Exception = f.Exception.Reason
		excepted = append(excepted, rf)
	}
	return kept, excepted
}

func (b *builder) finding(f policy.Finding, id string) *Finding {
	return &Finding{ID: id, Severity: string(f.Severity), Rule: f.Rule, Entity: f.Entity, Related: f.Related,
		Message: f.Message, Pos: f.Pos.String(), RelatedPos: posText(f.RelatedPos), Status: string(f.Status),
		Anchor: b.anchors[f.Entity]}
}

func posText(p network.Pos) string {
	if p.File == "" {
		return ""
	}
	return p.String()
}

// anchor records the element of each of a section's networks, and of the section itself.
func (b *builder) anchor(s *Section) {
	for _, n := range s.all {
		b.anchors[policy.Entity(n)] = "net-" + n.Name
	}
}

// otherAnchors records the element of each address and service, site, cluster and VPN: an address or
// a service is shown in the /24 map of its section, or else in the row of its network.
func (b *builder) otherAnchors(sections []*Section) {
	mapped := map[string]bool{}
	for _, s := range sections {
		for _, p := range s.blocks {
			mapped[mapID(s.ID, p)] = true
		}
	}
	for _, ip := range b.ips.sorted {
		for _, it := range b.ips.at[ip] {
			b.anchors[it.entity] = "net-" + it.where
			if id := mapID(it.section, block(ip)); ip.Is4() && mapped[id] {
				b.anchors[it.entity] = id
			}
		}
	}
	for _, s := range b.plan.Sites {
		b.anchors[policy.Entity(s)] = "site-" + s.Name
	}
	for _, c := range b.plan.Clusters {
		b.anchors[policy.Entity(c)] = "cluster"
	}
	for _, v := range b.plan.VPNs {
		if v.Network != nil {
			b.anchors[policy.Entity(v)] = "net-" + v.Network.Name
		}
	}
}

// mapID is the element id of a section's map of a /24, such as m-site-home-192-168-4-0.
func mapID(section string, p netip.Prefix) string {
	return "m-" + section + "-" + strings.ReplaceAll(p.Addr().String(), ".", "-")
}

// cellMarks lists the findings about the items at one IP, each once.
func (b *builder) cellMarks(items []*item) []*Finding {
	var out []*Finding
	for _, it := range items {
		for _, f := range b.marks[it.entity] {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

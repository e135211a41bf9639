package report

import (
	"fmt"
	"html/template"
	"net/netip"
	"slices"
	"strings"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// Pool is a MetalLB pool with the fixed service IPs placed in it.
type Pool struct {
	ID       string
	Name     string
	Prefix   string
	Exposure string
	Mode     string
	Options  string // avoidBuggyIPs, autoAssign and the tenants and namespaces it is kept for
	Pos      string
	Use      Usage
	Strip    template.HTML // an SVG strip of the pool's addresses with its services on it
	Severity string
	Services []*PoolService
}

// PoolService is a service with a fixed IP in a pool.
type PoolService struct {
	IP          string
	Name        string // namespace/name
	Tenant      string
	TenantClass string
	Ports       string
	SharingKey  string
	Exposure    string
	Pos         string
	Outside     bool // whether the IP lies outside the pool
	Marks       []*Finding
	Severity    string
	Change      *Change
}

func (b *builder) pool(n *network.Network, s *Section) *Pool {
	p := &Pool{ID: "pool-" + n.Name, Name: n.Name, Prefix: n.Prefix.String(), Pos: n.Pos.String(),
		Use: b.usage(n), Severity: worst(b.marks[policy.Entity(n)])}
	if n.Pool != nil {
		p.Exposure, p.Mode, p.Options = string(n.Pool.Exposure), string(n.Pool.Mode), poolOptions(n.Pool)
	}
	services := slices.Clone(b.pools[n])
	slices.SortStableFunc(services, func(x, y *network.Service) int { return x.IP.Compare(y.IP) })
	for _, svc := range services {
		p.Services = append(p.Services, b.poolService(n, svc, s))
	}
	p.Strip = b.strip(n, services)
	return p
}

func poolOptions(p *network.Pool) string {
	var out []string
	if p.AvoidBuggyIPs {
		out = append(out, "avoidBuggyIPs")
	}
	if p.AutoAssign != nil && !*p.AutoAssign {
		out = append(out, "autoAssign off")
	}
	if len(p.Tenants) > 0 {
		out = append(out, "tenants "+strings.Join(p.Tenants, ", "))
	}
	if len(p.Namespaces) > 0 {
		out = append(out, "namespaces "+strings.Join(p.Namespaces, ", "))
	}
	return strings.Join(out, "; ")
}

func (b *builder) poolService(n *network.Network, svc *network.Service, s *Section) *PoolService {
	id := policy.Entity(svc)
	ps := &PoolService{IP: svc.IP.String(), Name: svc.Namespace + "/" + svc.Name, Tenant: svc.Tenant,
		TenantClass: b.tenantClass(svc.Tenant), Ports: ports(svc.Ports), SharingKey: svc.SharingKey,
		Exposure: string(svc.Exposure), Pos: svc.Pos.String(), Outside: !n.Prefix.Masked().Contains(svc.IP),
		Marks: b.marks[id], Change: b.changed[id]}
	ps.Severity = worst(ps.Marks)
	s.count(ps.Marks, ps.Change)
	return ps
}

func ports(list []network.Port) string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.Name != "" {
			out[i] = p.Name + " " + out[i]
		}
	}
	return strings.Join(out, ", ")
}

// strip draws a pool's addresses in one row, its services as ticks at their IPs, for pools of up to
// 2^16 addresses.
func (b *builder) strip(n *network.Network, services []*network.Service) template.HTML {
	p := n.Prefix.Masked()
	host := p.Addr().BitLen() - p.Bits()
	if host > 16 {
		return ""
	}
	size := 1 << host
	tick := max(1, size>>8)
	var w svgWriter
	fmt.Fprintf(&w, `<svg class="strip" viewBox="0 0 %d 1" preserveAspectRatio="none" aria-hidden="true"><rect class="n r-pool" width="%d" height="1"/>`, size, size)
	for _, svc := range services {
		if !p.Contains(svc.IP) {
			continue
		}
		off := offset(p, svc.IP)
		fmt.Fprintf(&w, `<rect class="u %s" x="%d" width="%d" height="1"><title>%s</title></rect>`,
			b.tenantClass(svc.Tenant), off, tick, escape(svc.IP.String()+" "+svc.Namespace+"/"+svc.Name))
	}
	w.WriteString("</svg>")
	return template.HTML(w.String())
}

// offset is how far a lies from the start of p, for a p of at most 2^32 addresses.
func offset(p netip.Prefix, a netip.Addr) int {
	x, y := p.Addr().As16(), a.As16()
	return int(be32(y[12:]) - be32(x[12:]))
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

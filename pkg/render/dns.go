package render

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netops/netops/pkg/network"
)

// dnsKeys are the ConfigMap key that each DNS server reads its records from. Pi-hole v5 reads the
// file at /etc/pihole/custom.list, v6 takes the same lines in dns.hosts; CoreDNS's hosts plugin and
// dnsmasq's conf-dir read a file mounted from the key. The Deployment of the server mounts it.
var dnsKeys = map[network.DNSServer]string{
	network.DNSPihole:  "custom.list",
	network.DNSCoreDNS: "netops.hosts",
	network.DNSDnsmasq: "netops.conf",
}

// dnsRecords renders the plan's address table as the DNS records of the cluster's DNS server: every
// address and every service with a dns: name, sorted by name, in the ConfigMap that dns: names.
func (r *renderer) dnsRecords(_ context.Context, t *Target, c *network.Cluster) error {
	d := c.DNS
	if d.Server == network.DNSNone || d.Server == "" {
		return nil
	}
	if d.Namespace != "kube-system" && !r.hasNamespace(c, d.Namespace) {
		t.warn(dnsPos(r.plan, c), "no tenant or service of cluster %s uses the %s namespace, so the %s DNS records are not rendered; add it to a tenant's namespaces, set dns.namespace, or dns.server: none",
			c.Name, d.Namespace, d.Server)
		return nil
	}
	records := hostRecords(r.plan)
	if d.Server == network.DNSDnsmasq {
		records = dnsmasqRecords(records)
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: d.ConfigMap, Namespace: d.Namespace},
		Data:       map[string]string{dnsKeys[d.Server]: strings.Join(records, "")},
	}
	t.add(dnsPos(r.plan, c), toObject(cm))
	return nil
}

// dnsPos is where the records come from: the cluster's dns: settings, or the plan for the defaults.
func dnsPos(p *network.Plan, c *network.Cluster) network.Pos {
	if c.DNS.Pos.File != "" {
		return c.DNS.Pos
	}
	return p.Pos
}

// dnsmasqRecords turns "IP name" lines into dnsmasq's host-record=name,IP.
func dnsmasqRecords(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		ip, name, _ := strings.Cut(strings.TrimSuffix(l, "\n"), " ")
		out[i] = "host-record=" + name + "," + ip + "\n"
	}
	return out
}

// hostRecords are the plan's DNS names as hosts-file lines, sorted by name then address.
func hostRecords(p *network.Plan) []string {
	type record struct{ name, ip string }
	var records []record
	for _, a := range p.Addresses {
		if a.DNS != "" {
			records = append(records, record{a.DNS, a.IP.String()})
		}
	}
	for _, s := range p.Services {
		if s.DNS != "" {
			records = append(records, record{s.DNS, s.IP.String()})
		}
	}
	lines := make([]string, len(records))
	slices.SortFunc(records, func(a, b record) int { return strings.Compare(a.name+" "+a.ip, b.name+" "+b.ip) })
	for i, rec := range records {
		lines[i] = fmt.Sprintf("%s %s\n", rec.ip, rec.name)
	}
	return slices.Compact(lines)
}

func (r *renderer) hasNamespace(c *network.Cluster, ns string) bool {
	for _, tn := range r.plan.Tenants {
		if slices.Contains(tn.Namespaces, ns) {
			return true
		}
	}
	return slices.ContainsFunc(r.idx.clusterServices(c.Name), func(s *network.Service) bool { return s.Namespace == ns })
}

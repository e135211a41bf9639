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

// DNS records go to pihole rather than Consul: one ConfigMap in the pihole namespace holds custom.list,
// one "IP name" line per record, the format of Pi-hole's local DNS records (v5 reads the file at
// /etc/pihole/custom.list; v6 takes the same lines in dns.hosts). The pihole Deployment mounts it.
const (
	dnsNamespace = "pihole"
	dnsConfigMap = "pihole-custom-list"
	dnsKey       = "custom.list"
)

// dnsRecords renders the plan's address table as pihole's local DNS records: every address and every
// service with a dns: name, sorted by name.
func (r *renderer) dnsRecords(_ context.Context, t *Target, c *network.Cluster) error {
	if !r.hasNamespace(c, dnsNamespace) {
		t.warn(r.plan.Pos, "no tenant or service of cluster %s uses the %s namespace, so the DNS records are not rendered", c.Name, dnsNamespace)
		return nil
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: dnsConfigMap, Namespace: dnsNamespace},
		Data:       map[string]string{dnsKey: strings.Join(hostRecords(r.plan), "")},
	}
	t.add(r.plan.Pos, toObject(cm))
	return nil
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

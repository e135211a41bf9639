package render

import (
	"cmp"
	"context"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netops/netops/pkg/network"
)

// policyPort is a port that a policy opens: a number, or a container port's name.
type policyPort struct {
	number   int
	name     string
	protocol network.Protocol
}

// apiPorts are the API server's ports: the kubernetes Service's, and the servers' behind it.
var apiPorts = []policyPort{{number: 443, protocol: network.TCP}, {number: 6443, protocol: network.TCP}}

var dnsPorts = []policyPort{{number: 53, protocol: network.UDP}, {number: 53, protocol: network.TCP}}

// tenantPolicies renders, in every tenant namespace: a default deny, then what the tenant may do.
func (r *renderer) tenantPolicies(_ context.Context, t *Target, c *network.Cluster) error {
	if len(c.APIServers) == 0 && len(r.plan.Tenants) > 0 {
		t.warn(c.Pos, "cluster %s lists no apiServers: tenant namespaces may reach the API server at its Service IP and VIP only, which Weave Net sees translated to the servers' own addresses; list those under apiServers:", c.Name)
	}
	for _, tn := range r.plan.Tenants {
		if tn.Internet && r.noInternet() {
			t.warn(tn.Pos, "tenant %s may reach the internet, but the plan's networks cover every IPv4 address, so no internet egress is rendered", tn.Name)
		}
		for _, ns := range tn.Namespaces {
			t.add(tn.Pos, r.tenantPolicySet(c, tn, ns)...)
		}
	}
	return nil
}

// tenantPolicySet allows, in one namespace of a tenant: traffic within the tenant, DNS, the API server,
// traffic from the pods of the Traefik instances the tenant may publish through, egress to its VPNs'
// prefixes, to the networks it may reach and, if it may, to the internet; in a Traefik instance's
// namespace, egress from the instance's pods to its backends.
func (r *renderer) tenantPolicySet(c *network.Cluster, tn *network.Tenant, ns string) []*unstructured.Unstructured {
	out := []*unstructured.Unstructured{
		networkPolicy(ns, "netops-default-deny", deny()),
		networkPolicy(ns, "netops-allow-same-tenant", sameTenant(sortedSet(tn.Namespaces))),
		networkPolicy(ns, "netops-allow-dns", allowDNS()),
	}
	optional := []struct {
		name string
		spec *networkingv1.NetworkPolicySpec
	}{
		{"netops-allow-from-traefik", fromTraefik(r.traefikInstances(c, tn))},
		{"netops-allow-apiserver", egressTo(apiServer(c), apiPorts)},
		{"netops-allow-vpn", egressTo(r.vpnPrefixes(tn), nil)},
		{"netops-allow-reach", egressTo(r.reachPrefixes(tn), nil)},
		{"netops-allow-internet", r.internet(tn)},
	}
	for _, p := range optional {
		if p.spec != nil {
			out = append(out, networkPolicy(ns, p.name, *p.spec))
		}
	}
	return append(out, r.backendPolicies(c, ns)...)
}

// traefikInstances are the Traefik instances a tenant may publish through: the LAN ones, and the
// online ones for a tenant that may go online.
func (r *renderer) traefikInstances(c *network.Cluster, tn *network.Tenant) []*network.Service {
	var out []*network.Service
	for _, s := range r.idx.ingresses[c.Name] {
		if s.Exposure != network.ExposureOnline || tn.Online {
			out = append(out, s)
		}
	}
	return out
}

// backendPolicies allow each Traefik instance in ns, by its pods' labels, egress to its backends: the
// namespaces of every tenant that may publish through it. They are computed once per cluster.
func (r *renderer) backendPolicies(c *network.Cluster, ns string) []*unstructured.Unstructured {
	if r.backends[c.Name] == nil {
		r.backends[c.Name] = r.collectBackends(c)
	}
	var out []*unstructured.Unstructured
	for _, s := range r.idx.ingresses[c.Name] {
		if s.Namespace != ns {
			continue
		}
		if backends := r.backends[c.Name][s.Name]; len(backends) > 0 {
			spec := *toNamespaces(backends)
			spec.PodSelector = metav1.LabelSelector{MatchLabels: traefikSelector(s)}
			out = append(out, networkPolicy(ns, "netops-allow-backends-"+s.Name, spec))
		}
	}
	return out
}

// collectBackends maps each Traefik instance, by name, to the namespaces it may forward to.
func (r *renderer) collectBackends(c *network.Cluster) map[string][]string {
	out := map[string][]string{}
	for _, tn := range r.plan.Tenants {
		for _, s := range r.traefikInstances(c, tn) {
			out[s.Name] = append(out[s.Name], tn.Namespaces...)
		}
	}
	for name, backends := range out {
		out[name] = sortedSet(backends)
	}
	return out
}

// fromTraefik allows ingress from the pods of each instance, in its namespace; nil for none.
func fromTraefik(instances []*network.Service) *networkingv1.NetworkPolicySpec {
	if len(instances) == 0 {
		return nil
	}
	var peers []networkingv1.NetworkPolicyPeer
	for _, s := range instances {
		peer := namespacesIn([]string{s.Namespace})
		peer.PodSelector = &metav1.LabelSelector{MatchLabels: traefikSelector(s)}
		peers = append(peers, peer)
	}
	return &networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: peers}},
	}
}

func (r *renderer) vpnPrefixes(tn *network.Tenant) []netip.Prefix {
	var out []netip.Prefix
	for _, name := range tn.VPNs {
		if v := r.idx.vpns[name]; v != nil {
			out = append(out, v.Prefix.Masked())
		}
	}
	return collapse(out)
}

// reachPrefixes are the networks of other tenants that a tenant may reach: those it names, and those
// that name it in reachableBy.
func (r *renderer) reachPrefixes(tn *network.Tenant) []netip.Prefix {
	var out []netip.Prefix
	for _, name := range tn.Reaches {
		if n := r.idx.networks[name]; n != nil {
			out = append(out, n.Prefix.Masked())
		}
	}
	for _, n := range r.idx.reachableBy[tn.Name] {
		out = append(out, n.Prefix.Masked())
	}
	return collapse(out)
}

// privateRanges are the IPv4 ranges that are not the internet: RFC 1918, shared address space
// (RFC 6598) and link-local, which holds cloud metadata services.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("169.254.0.0/16"),
}

// internet allows a tenant that may reach the internet egress to every IPv4 address but the private
// ranges and the plan's own networks; nil for a tenant that may not, or when those cover everything.
func (r *renderer) internet(tn *network.Tenant) *networkingv1.NetworkPolicySpec {
	if !tn.Internet || r.noInternet() {
		return nil
	}
	internet := block{prefix: netip.MustParsePrefix("0.0.0.0/0"), except: r.notInternet}
	return &networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		Egress:      []networkingv1.NetworkPolicyEgressRule{{To: ipPeers([]block{internet})}},
	}
}

// noInternet reports whether the private ranges and the plan's networks cover every IPv4 address,
// which leaves no internet to allow: an except equal to its cidr is invalid.
func (r *renderer) noInternet() bool {
	if r.notInternet == nil {
		r.notInternet = r.collectNotInternet()
	}
	return r.notInternet[0].Bits() == 0
}

// collectNotInternet is what internet leaves out: the private ranges and every IPv4 network of the
// plan, which are mostly inside them.
func (r *renderer) collectNotInternet() []netip.Prefix {
	out := slices.Clone(privateRanges)
	for _, n := range r.plan.Networks {
		if n.Prefix.Addr().Is4() {
			out = append(out, n.Prefix.Masked())
		}
	}
	return collapse(out)
}

// apiServer is where pods reach the API server: the kubernetes Service's IP, the first of the service
// CIDR; the API VIP; and the addresses the API servers advertise, which a CNI that filters after
// kube-proxy's translation, as Weave Net's does, sees instead of the Service's IP.
func apiServer(c *network.Cluster) []netip.Prefix {
	var out []netip.Prefix
	if c.ServiceCIDR.IsValid() {
		first := c.ServiceCIDR.Masked().Addr().Next()
		out = append(out, netip.PrefixFrom(first, first.BitLen()))
	}
	if c.APIVIP.IsValid() {
		out = append(out, netip.PrefixFrom(c.APIVIP, c.APIVIP.BitLen()))
	}
	for _, p := range c.APIServers {
		out = append(out, p.Masked())
	}
	return collapse(out)
}

// collapse sorts prefixes and leaves out those that another one contains.
// collapse returns the fewest prefixes that cover exactly the addresses of ps: contained prefixes are
// dropped and sibling halves are joined into their parent, so that the policies of many contiguous
// networks stay short.
func collapse(ps []netip.Prefix) []netip.Prefix {
	out := slices.Clone(ps)
	for {
		slices.SortFunc(out, func(a, b netip.Prefix) int {
			return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
		})
		next := joinSiblings(dropContained(out))
		if len(next) == len(out) {
			return next
		}
		out = next
	}
}

func dropContained(sorted []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range sorted {
		if n := len(out); n > 0 && out[n-1].Bits() <= p.Bits() && out[n-1].Contains(p.Addr()) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// joinSiblings joins each pair of neighbours that are the two halves of one prefix.
func joinSiblings(sorted []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for i := 0; i < len(sorted); i++ {
		if i+1 < len(sorted) && siblings(sorted[i], sorted[i+1]) {
			parent, _ := sorted[i].Addr().Prefix(sorted[i].Bits() - 1)
			out = append(out, parent)
			i++
			continue
		}
		out = append(out, sorted[i])
	}
	return out
}

func siblings(a, b netip.Prefix) bool {
	if a.Bits() != b.Bits() || a.Bits() == 0 {
		return false
	}
	pa, _ := a.Addr().Prefix(a.Bits() - 1)
	pb, _ := b.Addr().Prefix(b.Bits() - 1)
	return pa == pb && a.Addr() != b.Addr()
}

func networkPolicy(ns, name string, spec networkingv1.NetworkPolicySpec) *unstructured.Unstructured {
	return toObject(&networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       spec,
	})
}

var both = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}

func deny() networkingv1.NetworkPolicySpec {
	return networkingv1.NetworkPolicySpec{PolicyTypes: both}
}

func sameTenant(namespaces []string) networkingv1.NetworkPolicySpec {
	peers := []networkingv1.NetworkPolicyPeer{namespacesIn(namespaces)}
	return networkingv1.NetworkPolicySpec{
		PolicyTypes: both,
		Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: peers}},
		Egress:      []networkingv1.NetworkPolicyEgressRule{{To: peers}},
	}
}

func allowDNS() networkingv1.NetworkPolicySpec {
	peer := namespacesIn([]string{"kube-system"})
	peer.PodSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}}
	return networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{peer}, Ports: policyPorts(dnsPorts)}},
	}
}

// toNamespaces allows egress to the namespaces; nil for none.
func toNamespaces(namespaces []string) *networkingv1.NetworkPolicySpec {
	if len(namespaces) == 0 {
		return nil
	}
	return &networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{namespacesIn(namespaces)}}},
	}
}

// egressTo allows egress to the prefixes, on the ports or on all; nil for no prefix.
func egressTo(prefixes []netip.Prefix, ports []policyPort) *networkingv1.NetworkPolicySpec {
	if len(prefixes) == 0 {
		return nil
	}
	return &networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		Egress:      []networkingv1.NetworkPolicyEgressRule{{To: ipPeers(blocksOf(prefixes)), Ports: policyPorts(ports)}},
	}
}

// namespacesIn selects namespaces by name, through the label that Kubernetes sets on every namespace.
func namespacesIn(names []string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpIn, Values: names,
		}},
	}}
}

func ipPeers(blocks []block) []networkingv1.NetworkPolicyPeer {
	out := make([]networkingv1.NetworkPolicyPeer, len(blocks))
	for i, b := range blocks {
		out[i] = networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: b.prefix.String(), Except: prefixStrings(b.except)}}
	}
	return out
}

func prefixStrings(ps []netip.Prefix) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func policyPorts(ports []policyPort) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, p := range ports {
		protocol := corev1.Protocol(p.protocol)
		port := intstr.FromInt32(int32(p.number))
		if p.name != "" {
			port = intstr.FromString(p.name)
		}
		out = append(out, networkingv1.NetworkPolicyPort{Protocol: &protocol, Port: &port})
	}
	return out
}

package load

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/netops/netops/pkg/network"
)

// The bounds of a link's or VPN's MTU. Weave Net takes its overhead off the smallest one, and needs
// what is left to carry at least the smallest packet every IPv4 host takes (576 bytes).
const (
	minMTU        = 576 + weaveOverhead
	maxMTU        = 9216
	weaveOverhead = 124
)

// kubeNames checks every value that becomes a Kubernetes name or label, a DNS name or a number with a
// range, where the plan declares it, so that the API server never is the first to refuse it.
func (r *resolver) kubeNames() {
	p := r.plan
	r.name(p.Pos, "network", p.Name)
	if len(p.Components.Weave.Values) > 0 {
		r.errs.add(p.Components.Weave.Pos, "set images: or add an overlay under overlays/weave",
			"components.weave.values is not read: Weave Net renders from netops's Kustomize base, not a chart")
	}
	for _, t := range p.Tenants {
		for _, ns := range t.Namespaces {
			r.k8s(t.Pos, "namespace", ns, validation.IsDNS1123Label(ns))
		}
	}
	for _, s := range p.Sites {
		r.nodeSelector(s)
		r.mtu(s.Link.Pos, "link", s.Link.MTU)
	}
	for _, v := range p.VPNs {
		r.mtu(v.Pos, "VPN", v.MTU)
	}
	for _, n := range p.Networks {
		if n.VLAN != 0 && (n.VLAN < 1 || n.VLAN > 4094) {
			r.errs.add(n.Pos, "use a VLAN ID from 1 to 4094, or leave vlan: out", "bad vlan %d", n.VLAN)
		}
	}
	for _, a := range p.Addresses {
		r.dnsName(a.Pos, a.DNS)
	}
	for _, s := range p.Services {
		r.serviceNames(s)
	}
}

func (r *resolver) serviceNames(s *network.Service) {
	r.dnsName(s.Pos, s.DNS)
	if s.IngressClass != "" {
		r.k8s(s.Pos, "ingress class", s.IngressClass, validation.IsDNS1123Subdomain(s.IngressClass))
	}
	for _, pt := range s.Ports {
		if pt.Name != "" {
			r.k8s(pt.Pos, "port name", pt.Name, validation.IsValidPortName(pt.Name))
		}
		if pt.TargetPort != pt.Port && (pt.TargetPort < 1 || pt.TargetPort > 65535) {
			r.errs.add(pt.Pos, "use a port from 1 to 65535", "bad targetPort %d", pt.TargetPort)
		}
	}
}

func (r *resolver) nodeSelector(s *network.Site) {
	for k, v := range s.NodeSelector {
		r.k8s(s.Pos, "nodeSelector key", k, validation.IsQualifiedName(k))
		r.k8s(s.Pos, "nodeSelector value", v, validation.IsValidLabelValue(v))
	}
}

func (r *resolver) mtu(pos network.Pos, what string, mtu int) {
	if mtu != 0 && (mtu < minMTU || mtu > maxMTU) {
		r.errs.add(pos, fmt.Sprintf("use an MTU from %d to %d: Weave Net takes %d off it", minMTU, maxMTU, weaveOverhead),
			"bad %s mtu %d", what, mtu)
	}
}

// dnsName checks a name that pihole writes into its records, which must be one RFC 1123 name: at most
// 253 characters, in labels of at most 63.
func (r *resolver) dnsName(pos network.Pos, name string) {
	if name == "" {
		return
	}
	problems := validation.IsDNS1123Subdomain(strings.ToLower(name))
	for _, label := range strings.Split(name, ".") {
		if len(problems) == 0 && len(label) > validation.DNS1123LabelMaxLength {
			problems = append(problems, "each label "+validation.MaxLenError(validation.DNS1123LabelMaxLength))
		}
	}
	r.k8s(pos, "dns name", name, problems)
}

// k8s records the problems Kubernetes's validation found in a value, quoted so that no byte of it
// can forge a line of the output.
func (r *resolver) k8s(pos network.Pos, what, value string, problems []string) {
	if len(problems) > 0 {
		r.errs.add(pos, strings.Join(problems, "; "), "%s %s is not valid", what, quote(value))
	}
}

// quote quotes s in ASCII, and says so when it holds other characters, which may print like ASCII.
func quote(s string) string {
	q := fmt.Sprintf("%+q", s)
	if hasNonASCII(s) {
		return q + " (the name holds non-ASCII characters)"
	}
	return q
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > 0x7e {
			return true
		}
	}
	return false
}

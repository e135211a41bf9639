package render_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/render"
)

// TestTargets checks which target holds what: the cluster-wide components once, in the cluster's
// target; pools, advertisements and services in their site's.
func TestTargets(t *testing.T) {
	res := renderExample(t)
	want := map[string][]string{
		"homelab": {"CustomResourceDefinition/ipaddresspools.metallb.io", "CustomResourceDefinition/ingressroutes.traefik.io",
			"Namespace/metallb-system", "Namespace/media", "Deployment/metallb-system/metallb-controller",
			"DaemonSet/metallb-system/metallb-speaker", "Deployment/traefik/traefik-lan", "Deployment/traefik/traefik-online",
			"Service/traefik/traefik-lan", "Service/traefik/traefik-online", "DaemonSet/kube-system/weave-net",
			"NetworkPolicy/media/netops-default-deny", "ConfigMap/pihole/pihole-custom-list"},
		"home": {"IPAddressPool/metallb-system/lan-pool", "IPAddressPool/metallb-system/online-pool",
			"L2Advertisement/metallb-system/home", "Service/media/plex", "Service/pihole/pihole-dns-udp",
			"IngressRoute/kubernetes-dashboard/kubernetes-dashboard"},
		"cabin": {"IPAddressPool/metallb-system/cabin-pool", "L2Advertisement/metallb-system/cabin", "Service/pihole/cabin-dns"},
	}
	for name, refs := range want {
		have := refsOf(target(t, res, name))
		for _, ref := range refs {
			if !slices.Contains(have, ref) {
				t.Errorf("target %s lacks %s", name, ref)
			}
		}
	}
	for _, kind := range []string{"CustomResourceDefinition", "Namespace", "Deployment", "DaemonSet", "ClusterRole"} {
		for _, o := range ofKind(res, kind) {
			if site := o.GetLabels()[render.LabelSite]; site != "homelab" {
				t.Errorf("%s %s is in target %s, not the cluster's", kind, o.GetName(), site)
			}
		}
	}
}

func refsOf(tg *render.Target) []string {
	out := make([]string, len(tg.Objects))
	for i, o := range tg.Objects {
		out[i] = o.GetKind() + "/" + strings.TrimPrefix(o.GetNamespace()+"/", "/") + o.GetName()
	}
	return out
}

// TestLabelsAndSource checks that every object names netops, its target, and a file:line of the repo.
func TestLabelsAndSource(t *testing.T) {
	source := regexp.MustCompile(`^([^:]+):([0-9]+)$`)
	for _, p := range all(renderExample(t)) {
		o := p.obj
		labels := o.GetLabels()
		if labels[render.LabelManagedBy] != "netops" || labels[render.LabelSite] != p.target.Name {
			t.Errorf("%s %s: labels %v", o.GetKind(), o.GetName(), labels)
		}
		m := source.FindStringSubmatch(o.GetAnnotations()[render.AnnotationSource])
		if m == nil {
			t.Errorf("%s %s: source %q is not file:line", o.GetKind(), o.GetName(), o.GetAnnotations()[render.AnnotationSource])
			continue
		}
		if _, err := os.Stat(filepath.Join(example, m[1])); err != nil {
			t.Errorf("%s %s: source %s: %v", o.GetKind(), o.GetName(), m[0], err)
		}
	}
}

// TestOrder checks the kind order: CRDs, then Namespaces, ..., webhooks last; then namespace and name.
func TestOrder(t *testing.T) {
	objs := target(t, renderExample(t), "homelab").Objects
	first, last := objs[0], objs[len(objs)-1]
	if first.GetKind() != "CustomResourceDefinition" || last.GetKind() != "ValidatingWebhookConfiguration" {
		t.Errorf("first %s, last %s", first.GetKind(), last.GetKind())
	}
	lastCRD := slices.IndexFunc(objs, func(o *unstructured.Unstructured) bool { return o.GetKind() != "CustomResourceDefinition" })
	if objs[lastCRD].GetKind() != "Namespace" {
		t.Errorf("after the CRDs comes %s, want Namespace", objs[lastCRD].GetKind())
	}
	var policies []string
	for _, o := range objs {
		if o.GetKind() == "NetworkPolicy" {
			policies = append(policies, o.GetNamespace()+"/"+o.GetName())
		}
	}
	if !slices.IsSorted(policies) {
		t.Errorf("NetworkPolicies are not sorted by namespace and name: %v", policies)
	}
}

// TestLoadBalancerIPs checks every LoadBalancer Service: no spec.loadBalancerIP, the plan's IP in the
// MetalLB annotation, inside the rendered pool it names; and every service of the plan is one of them.
func TestLoadBalancerIPs(t *testing.T) {
	p := loadExample(t)
	res := renderExample(t)
	pools := map[string]netip.Prefix{}
	for _, o := range ofKind(res, "IPAddressPool") {
		addresses, _, _ := unstructured.NestedStringSlice(o.Object, "spec", "addresses")
		pools[o.GetName()] = netip.MustParsePrefix(addresses[0])
	}
	ips := map[string]string{}
	for _, o := range ofKind(res, "Service") {
		if kind, _, _ := unstructured.NestedString(o.Object, "spec", "type"); kind != "LoadBalancer" {
			continue
		}
		if _, found, _ := unstructured.NestedFieldNoCopy(o.Object, "spec", "loadBalancerIP"); found {
			t.Errorf("Service %s sets spec.loadBalancerIP", o.GetName())
		}
		a := o.GetAnnotations()
		ip, pool := netip.MustParseAddr(a[render.AnnotationLoadBalancerIPs]), a[render.AnnotationAddressPool]
		if prefix, ok := pools[pool]; !ok || !prefix.Contains(ip) {
			t.Errorf("Service %s: IP %s is not in pool %s (%s)", o.GetName(), ip, pool, prefix)
		}
		ips[o.GetNamespace()+"/"+o.GetName()] = ip.String()
	}
	for _, s := range p.Services {
		if got := ips[s.Namespace+"/"+s.Name]; got != s.IP.String() {
			t.Errorf("service %s/%s: rendered IP %q, plan says %s", s.Namespace, s.Name, got, s.IP)
		}
	}
	if len(ips) != len(p.Services) {
		t.Errorf("%d LoadBalancer Services, plan has %d services", len(ips), len(p.Services))
	}
}

// TestSharedIP checks that the two pihole Services, which share one IP, carry MetalLB's sharing key.
func TestSharedIP(t *testing.T) {
	home := target(t, renderExample(t), "home")
	for _, name := range []string{"pihole-dns-udp", "pihole-dns-tcp"} {
		a := find(t, home, "Service", "pihole", name).GetAnnotations()
		if a[render.AnnotationAllowSharedIP] != "pihole" {
			t.Errorf("Service %s: allow-shared-ip %q", name, a[render.AnnotationAllowSharedIP])
		}
	}
	if _, ok := find(t, home, "Service", "media", "plex").GetAnnotations()[render.AnnotationAllowSharedIP]; ok {
		t.Error("plex shares no IP but has allow-shared-ip")
	}
}

// TestPools checks each site's pools and advertisement.
func TestPools(t *testing.T) {
	res := renderExample(t)
	home, cabin := target(t, res, "home"), target(t, res, "cabin")
	online := find(t, home, "IPAddressPool", "metallb-system", "online-pool")
	namespaces, _, _ := unstructured.NestedStringSlice(online.Object, "spec", "serviceAllocation", "namespaces")
	want := []string{"consul", "downloads", "kubernetes-dashboard", "logging", "media", "pihole", "tekton-pipelines", "traefik"}
	if diff := cmp.Diff(want, namespaces); diff != "" {
		t.Errorf("online-pool serves (-want +got):\n%s", diff)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(find(t, home, "IPAddressPool", "metallb-system", "lan-pool").Object, "spec", "serviceAllocation"); found {
		t.Error("lan-pool is open to all but has a serviceAllocation")
	}
	for _, o := range ofKind(res, "IPAddressPool") {
		if v, found, _ := unstructured.NestedBool(o.Object, "spec", "avoidBuggyIPs"); !found || !v {
			t.Errorf("pool %s: avoidBuggyIPs is not set to the plan's true", o.GetName())
		}
	}
	for tg, zone := range map[*render.Target]string{home: "home", cabin: "cabin"} {
		l2 := find(t, tg, "L2Advertisement", "metallb-system", tg.Name)
		selectors, _, _ := unstructured.NestedSlice(l2.Object, "spec", "nodeSelectors")
		want := []any{map[string]any{"matchLabels": map[string]any{"topology.kubernetes.io/zone": zone}}}
		if diff := cmp.Diff(want, selectors); diff != "" {
			t.Errorf("L2Advertisement %s nodeSelectors (-want +got):\n%s", tg.Name, diff)
		}
	}
}

// TestTraefik checks the two instances: each filters both providers on its own ingress class, and its
// Service asks MetalLB for the plan's IP.
func TestTraefik(t *testing.T) {
	homelab := target(t, renderExample(t), "homelab")
	for name, ip := range map[string]string{"traefik-lan": "192.168.6.1", "traefik-online": "192.168.6.128"} {
		d := find(t, homelab, "Deployment", "traefik", name)
		containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
		args := containers[0].(map[string]any)["args"].([]any)
		for _, want := range []string{"--providers.kubernetesCRD.ingressClass=" + name, "--providers.kubernetesIngress.ingressClass=" + name} {
			if !slices.Contains(args, any(want)) {
				t.Errorf("Deployment %s lacks %s", name, want)
			}
		}
		find(t, homelab, "IngressClass", "", name)
		svc := find(t, homelab, "Service", "traefik", name)
		if got := svc.GetAnnotations()[render.AnnotationLoadBalancerIPs]; got != ip {
			t.Errorf("Service %s: IP %q, want %s", name, got, ip)
		}
	}
}

// TestIngressRoutes checks that every IngressRoute names an ingress class that a Traefik instance serves.
func TestIngressRoutes(t *testing.T) {
	res := renderExample(t)
	classes := map[string]bool{}
	for _, o := range ofKind(res, "IngressClass") {
		classes[o.GetName()] = true
	}
	routes := ofKind(res, "IngressRoute")
	if len(routes) != 2 {
		t.Errorf("%d IngressRoutes, want the dashboard's and Tekton's", len(routes))
	}
	for _, o := range routes {
		if class := o.GetAnnotations()["kubernetes.io/ingress.class"]; !classes[class] {
			t.Errorf("IngressRoute %s: ingress class %q is none of %v", o.GetName(), class, classes)
		}
	}
}

// TestTraefikVersion checks that Traefik 2.x renders with a warning and 4.x does not render.
func TestTraefikVersion(t *testing.T) {
	p := loadExample(t)
	p.Components.Traefik.Version = "v2.11.0"
	res := renderPlan(t, p)
	warnings := target(t, res, "homelab").Warnings
	if !slices.ContainsFunc(warnings, func(w render.Warning) bool { return strings.Contains(w.Msg, "end of life") }) {
		t.Errorf("no end-of-life warning for Traefik 2.x in %v", warnings)
	}
	d := find(t, target(t, res, "homelab"), "Deployment", "traefik", "traefik-lan")
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	if image := containers[0].(map[string]any)["image"]; image != "docker.io/traefik:v2.11.0" {
		t.Errorf("image %v, want docker.io/traefik:v2.11.0", image)
	}
	if w := target(t, renderExample(t), "homelab").Warnings; len(w) != 0 {
		t.Errorf("the example, on Traefik 3.x, has warnings: %v", w)
	}
}

// TestWeave checks the DaemonSet's settings: the pod CIDR, an MTU that the cabin's VPN link lowers,
// the password from a Secret reference and never a value, and the maintained fork's images.
func TestWeave(t *testing.T) {
	p := loadExample(t)
	env, images := weaveEnv(t, renderPlan(t, p))
	wantEnv := map[string]any{
		"IPALLOC_RANGE": "10.244.0.0/16", "WEAVE_MTU": "1276", "CHECKPOINT_DISABLE": "1",
		"WEAVE_PASSWORD": map[string]any{"secretKeyRef": map[string]any{"name": "weave-passwd", "key": "weave-passwd"}},
	}
	for name, want := range wantEnv {
		if diff := cmp.Diff(want, env[name]); diff != "" {
			t.Errorf("env %s (-want +got):\n%s", name, diff)
		}
	}
	if diff := cmp.Diff([]string{"rajch/weave-kube:2.9.0", "rajch/weave-npc:2.9.0"}, images); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	cabin := p.Sites[slices.IndexFunc(p.Sites, func(s *network.Site) bool { return s.Name == "cabin" })]
	cabin.Link = network.Link{Type: network.LinkDirect, MTU: 1500}
	p.Components.Weave.Images = map[string]string{"weave-npc": "registry.example/weave-npc:2.9.1"}
	env, images = weaveEnv(t, renderPlan(t, p))
	if env["WEAVE_MTU"] != "1376" {
		t.Errorf("with direct links only, WEAVE_MTU is %v, want 1376", env["WEAVE_MTU"])
	}
	if images[1] != "registry.example/weave-npc:2.9.1" {
		t.Errorf("npc image %s, want the component's override", images[1])
	}
}

// weaveEnv reads the weave container's environment, a value or a valueFrom by name, and the images of
// the weave and weave-npc containers.
func weaveEnv(t *testing.T, res *render.Result) (map[string]any, []string) {
	t.Helper()
	ds := find(t, target(t, res, "homelab"), "DaemonSet", "kube-system", "weave-net")
	containers, _, _ := unstructured.NestedSlice(ds.Object, "spec", "template", "spec", "containers")
	env := map[string]any{}
	var images []string
	for _, c := range containers {
		c := c.(map[string]any)
		images = append(images, c["image"].(string))
		if c["name"] != "weave" {
			continue
		}
		for _, e := range c["env"].([]any) {
			e := e.(map[string]any)
			if v, ok := e["value"]; ok {
				env[e["name"].(string)] = v
			} else {
				env[e["name"].(string)] = e["valueFrom"]
			}
		}
	}
	return env, images
}

// TestTenantPolicies checks the policies of one tenant namespace.
func TestTenantPolicies(t *testing.T) {
	homelab := target(t, renderExample(t), "homelab")
	deny := find(t, homelab, "NetworkPolicy", "guests", "netops-default-deny")
	types, _, _ := unstructured.NestedStringSlice(deny.Object, "spec", "policyTypes")
	if diff := cmp.Diff([]string{"Ingress", "Egress"}, types); diff != "" {
		t.Errorf("default deny policyTypes (-want +got):\n%s", diff)
	}
	vpn := find(t, homelab, "NetworkPolicy", "guests", "netops-allow-vpn")
	egress, _, _ := unstructured.NestedSlice(vpn.Object, "spec", "egress")
	want := []any{map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.8.2.0/24"}}}}}
	if diff := cmp.Diff(want, egress); diff != "" {
		t.Errorf("guests may use the shared VPN only (-want +got):\n%s", diff)
	}
	for _, name := range []string{"netops-allow-same-tenant", "netops-allow-dns", "netops-allow-from-traefik"} {
		find(t, homelab, "NetworkPolicy", "guests", name)
	}
	from := find(t, homelab, "NetworkPolicy", "guests", "netops-allow-from-traefik")
	if !strings.Contains(mustYAML(t, from), "- traefik\n") {
		t.Errorf("guests are not reachable from the traefik namespace:\n%s", mustYAML(t, from))
	}
}

// TestPrivileged checks that no pod outside kube-system and metallb-system runs privileged.
func TestPrivileged(t *testing.T) {
	for _, p := range all(renderExample(t)) {
		o := p.obj
		containers, found, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
		if !found || o.GetNamespace() == "kube-system" || o.GetNamespace() == "metallb-system" {
			continue
		}
		for _, c := range containers {
			if v, _, _ := unstructured.NestedBool(c.(map[string]any), "securityContext", "privileged"); v {
				t.Errorf("%s %s/%s runs privileged", o.GetKind(), o.GetNamespace(), o.GetName())
			}
		}
	}
}

// TestNoSecretValues checks that no rendered Secret holds data: the only one is MetalLB's webhook
// certificate, which the controller fills.
func TestNoSecretValues(t *testing.T) {
	secrets := ofKind(renderExample(t), "Secret")
	if len(secrets) != 1 {
		t.Errorf("%d Secrets rendered, want MetalLB's webhook certificate only", len(secrets))
	}
	for _, o := range secrets {
		for _, field := range []string{"data", "stringData"} {
			if _, found := o.Object[field]; found {
				t.Errorf("Secret %s has %s", o.GetName(), field)
			}
		}
	}
}

// TestDNSRecords checks pihole's custom.list: one line per DNS name of the address table.
func TestDNSRecords(t *testing.T) {
	cm := find(t, target(t, renderExample(t), "homelab"), "ConfigMap", "pihole", "pihole-custom-list")
	list := str(t, cm, "data", "custom.list")
	for _, line := range []string{"192.168.6.60 plex.home.lan\n", "192.168.4.1 router.home.lan\n", "10.8.2.1 vpn-shared.home.lan\n", "192.168.22.53 dns.cabin.lan\n"} {
		if !strings.Contains(list, line) {
			t.Errorf("custom.list lacks %q:\n%s", line, list)
		}
	}
	if n := strings.Count(list, "\n"); n != 19 {
		t.Errorf("custom.list has %d records, want 19:\n%s", n, list)
	}
}

func mustYAML(t *testing.T, o *unstructured.Unstructured) string {
	t.Helper()
	tg := &render.Target{Objects: []*unstructured.Unstructured{o}}
	return string(yamlOf(t, tg))
}

// TestLANClients checks who may reach a LAN service: the networks at its own site of the tenants
// that may use it, and through each VPN that routes its pool or a network holding it and carries
// such a tenant, the VPN's clients and those tenants' networks at the sites the VPN joins.
func TestLANClients(t *testing.T) {
	homeOwn := []string{"192.168.2.0/23", "192.168.4.0/24"} // home's networks; quarantine 192.168.1.0/24 left out
	platform := []string{"192.168.5.0/24", "192.168.6.0/24"}
	cabin := []string{"192.168.20.0/24", "192.168.22.0/24"}
	tests := []struct {
		name            string
		old, new        string // an edit of vpns.yaml
		target, ns, svc string
		want            []string
	}{
		{"plex: home's networks, the private VPN, and the shared one for guests, which own no network", "", "", "home", "media", "plex",
			append([]string{"10.8.2.0/24", "10.8.4.0/24"}, homeOwn...)},
		{"qbittorrent: the shared VPN carries no tenant that may use it", "", "", "home", "downloads", "qbittorrent",
			append([]string{"10.8.4.0/24"}, homeOwn...)},
		{"pihole: platform's and home's networks; the shared VPN brings the platform's, not the cabin's home devices", "", "", "home", "pihole", "pihole-dns-udp",
			[]string{"10.8.2.0/24", "10.8.4.0/24", "192.168.2.0/23", "192.168.4.0/23", "192.168.6.0/24", "192.168.22.0/24"}},
		{"no VPN routes the cabin's pool", "", "", "cabin", "pihole", "cabin-dns", cabin},
		{"the shared VPN routes nothing", "routes: [lan-pool]\n", "", "home", "media", "plex",
			append([]string{"10.8.4.0/24"}, homeOwn...)},
		{"the shared VPN routes the cabin's pool", "routes: [lan-pool]\n", "routes: [cabin-services]\n", "cabin", "pihole", "cabin-dns",
			append(append([]string{"10.8.2.0/24"}, platform...), cabin...)},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := editedExample(t, "vpns.yaml", tt.old, tt.new)
			tg := target(t, renderPlan(t, p), tt.target)
			policy := find(t, tg, "NetworkPolicy", tt.ns, "netops-allow-lb-"+tt.svc)
			if diff := cmp.Diff(tt.want, ingressCIDRs(t, policy)); diff != "" {
				t.Errorf("clients of %s/%s (-want +got):\n%s", tt.ns, tt.svc, diff)
			}
		})
	}
}

func ingressCIDRs(t *testing.T, policy *unstructured.Unstructured) []string {
	t.Helper()
	rules, _, _ := unstructured.NestedSlice(policy.Object, "spec", "ingress")
	var out []string
	for _, rule := range rules {
		from, _, _ := unstructured.NestedSlice(rule.(map[string]any), "from")
		for _, peer := range from {
			cidr, _, _ := unstructured.NestedString(peer.(map[string]any), "ipBlock", "cidr")
			out = append(out, cidr)
		}
	}
	return out
}

// TestInternet checks internet egress: a tenant with internet: true may reach every IPv4 address but
// the private ranges and the plan's networks; one without has no such policy.
func TestInternet(t *testing.T) {
	homelab := target(t, renderExample(t), "homelab")
	policy := find(t, homelab, "NetworkPolicy", "media", "netops-allow-internet")
	egress, _, _ := unstructured.NestedSlice(policy.Object, "spec", "egress")
	want := []any{map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{
		"cidr":   "0.0.0.0/0",
		"except": []any{"10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"},
	}}}}}
	if diff := cmp.Diff(want, egress); diff != "" {
		t.Errorf("home's internet egress (-want +got):\n%s", diff)
	}
	for _, o := range homelab.Objects {
		if o.GetNamespace() == "guests" && o.GetName() == "netops-allow-internet" {
			t.Errorf("guests may reach the internet; the example does not let them")
		}
	}
	p := editedExample(t, "tenants.yaml", "online: false\n", "online: false\ninternet: true\n")
	guests := find(t, target(t, renderPlan(t, p), "homelab"), "NetworkPolicy", "guests", "netops-allow-internet")
	egress, _, _ = unstructured.NestedSlice(guests.Object, "spec", "egress")
	if diff := cmp.Diff(want, egress); diff != "" {
		t.Errorf("guests' internet egress once allowed (-want +got):\n%s", diff)
	}
}

// TestLANClientsLeaveOutQuarantine checks that a quarantine network nested in an admitted one is
// left out through the ipBlock's except.
func TestLANClientsLeaveOutQuarantine(t *testing.T) {
	p := editedExample(t, "sites/home.yaml", "    description: Common devices, laptops, phones, etc.\n",
		"    description: Common devices, laptops, phones, etc.\n    networks:\n      - {name: common-quarantine, prefix: 192.168.2.192/26, role: unused}\n")
	policy := find(t, target(t, renderPlan(t, p), "home"), "NetworkPolicy", "media", "netops-allow-lb-plex")
	from, _, _ := unstructured.NestedSlice(policy.Object, "spec", "ingress")
	want := map[string]any{"ipBlock": map[string]any{"cidr": "192.168.2.0/23", "except": []any{"192.168.2.192/26"}}}
	if peers := from[0].(map[string]any)["from"].([]any); !slices.ContainsFunc(peers, func(p any) bool { return cmp.Equal(p, any(want)) }) {
		t.Errorf("plex's clients lack %v:\n%s", want, mustYAML(t, policy))
	}
}

// TestLANClientsLeaveOutWholeQuarantine checks that an admitted network that quarantine networks
// fill whole is left out, not admitted without an except.
func TestLANClientsLeaveOutWholeQuarantine(t *testing.T) {
	p := editedExample(t, "sites/cabin.yaml",
		"      - {ip: 192.168.20.1, name: cabin-router, roles: [router, dhcp-server], dns: router.cabin.lan, description: Cabin router and DHCP server}\n",
		"    networks:\n      - {name: cabin-q1, prefix: 192.168.20.0/25, role: unused}\n      - {name: cabin-q2, prefix: 192.168.20.128/25, role: unused}\n",
		"    addresses:\n    networks:", "    networks:")
	policy := find(t, target(t, renderPlan(t, p), "cabin"), "NetworkPolicy", "pihole", "netops-allow-lb-cabin-dns")
	if diff := cmp.Diff([]string{"192.168.22.0/24"}, ingressCIDRs(t, policy)); diff != "" {
		t.Errorf("cabin-dns's clients (-want +got):\n%s", diff)
	}
}

// TestLANServiceWithoutClients checks that a LAN service that no network may reach gets a policy
// that admits nobody, and a warning, rather than an ingress rule without peers, which admits everyone.
func TestLANServiceWithoutClients(t *testing.T) {
	p := editedExample(t, "sites/cabin.yaml", "    role: clients\n", "    role: unused\n", "    role: loadbalancer\n", "    role: unused\n")
	tg := target(t, renderPlan(t, p), "cabin")
	policy := find(t, tg, "NetworkPolicy", "pihole", "netops-allow-lb-cabin-dns")
	if ingress, found, _ := unstructured.NestedSlice(policy.Object, "spec", "ingress"); found {
		t.Errorf("cabin-dns admits %v; want nobody", ingress)
	}
	if !slices.ContainsFunc(tg.Warnings, func(w render.Warning) bool {
		return strings.Contains(w.Msg, "no network may reach LAN service pihole/cabin-dns")
	}) {
		t.Errorf("no warning about cabin-dns: %v", tg.Warnings)
	}
}

// TestExternalTrafficPolicy checks that a LAN service renders externalTrafficPolicy Local unless the
// plan asks for Cluster, whose policy then admits the pod CIDR, where Weave Net puts its clients'
// addresses; and that a Traefik instance's reaches the upstream chart's service.spec value.
func TestExternalTrafficPolicy(t *testing.T) {
	res := renderExample(t)
	for _, svc := range []*unstructured.Unstructured{
		find(t, target(t, res, "home"), "Service", "media", "plex"),
		find(t, target(t, res, "homelab"), "Service", "traefik", "traefik-lan"),
	} {
		if got, _, _ := unstructured.NestedString(svc.Object, "spec", "externalTrafficPolicy"); got != "Local" {
			t.Errorf("%s: externalTrafficPolicy %q, want Local", svc.GetName(), got)
		}
	}
	online := find(t, target(t, res, "homelab"), "Service", "traefik", "traefik-online")
	if got, found, _ := unstructured.NestedString(online.Object, "spec", "externalTrafficPolicy"); found {
		t.Errorf("traefik-online sets externalTrafficPolicy %q without the plan asking", got)
	}
	p := editedExample(t, "services.yaml", "dns: plex.home.lan\n", "dns: plex.home.lan\nexternalTrafficPolicy: Cluster\n")
	tg := target(t, renderPlan(t, p), "home")
	plex := find(t, tg, "Service", "media", "plex")
	if got, _, _ := unstructured.NestedString(plex.Object, "spec", "externalTrafficPolicy"); got != "Cluster" {
		t.Errorf("plex: externalTrafficPolicy %q, want Cluster", got)
	}
	policy := find(t, tg, "NetworkPolicy", "media", "netops-allow-lb-plex")
	if got := ingressCIDRs(t, policy); !slices.Contains(got, "10.244.0.0/16") {
		t.Errorf("plex at Cluster admits %v; want the pod CIDR 10.244.0.0/16 among them", got)
	}
}

// TestAPIServer checks where tenant namespaces may reach the API server: the Service's IP, the VIP
// and the cluster's apiServers; without apiServers, a warning says what to add.
func TestAPIServer(t *testing.T) {
	homelab := target(t, renderExample(t), "homelab")
	policy := find(t, homelab, "NetworkPolicy", "traefik", "netops-allow-apiserver")
	egress, _, _ := unstructured.NestedSlice(policy.Object, "spec", "egress")
	to, _, _ := unstructured.NestedSlice(egress[0].(map[string]any), "to")
	var got []string
	for _, peer := range to {
		cidr, _, _ := unstructured.NestedString(peer.(map[string]any), "ipBlock", "cidr")
		got = append(got, cidr)
	}
	if diff := cmp.Diff([]string{"10.96.0.1/32", "192.168.5.0/24"}, got); diff != "" {
		t.Errorf("API server addresses (-want +got):\n%s", diff)
	}
	warned := func(tg *render.Target) bool {
		return slices.ContainsFunc(tg.Warnings, func(w render.Warning) bool { return strings.Contains(w.Msg, "lists no apiServers") })
	}
	if warned(homelab) {
		t.Errorf("a warning about apiServers, which the homelab lists: %v", homelab.Warnings)
	}
	p := editedExample(t, "cluster.yaml", "apiServers: [192.168.5.0/24]\n", "")
	if !warned(target(t, renderPlan(t, p), "homelab")) {
		t.Error("no warning about a cluster without apiServers")
	}
}

// TestTraefikPerInstance checks that the Traefik peers and backends are per instance: the online
// instance may forward only to tenants that may go online, and guests admit the LAN instance's pods.
func TestTraefikPerInstance(t *testing.T) {
	tg := target(t, renderExample(t), "homelab")
	online := find(t, tg, "NetworkPolicy", "traefik", "netops-allow-backends-traefik-online")
	if sel, _, _ := unstructured.NestedStringMap(online.Object, "spec", "podSelector", "matchLabels"); sel["app.kubernetes.io/instance"] != "traefik-online-traefik" {
		t.Errorf("the online backends policy selects %v, not the online instance's pods", sel)
	}
	if got := mustYAML(t, online); strings.Contains(got, "- guests") {
		t.Errorf("the online Traefik may forward to guests:\n%s", got)
	}
	from := find(t, tg, "NetworkPolicy", "guests", "netops-allow-from-traefik")
	got := mustYAML(t, from)
	if !strings.Contains(got, "app.kubernetes.io/instance: traefik-lan-traefik") || strings.Contains(got, "traefik-online") {
		t.Errorf("guests should admit the LAN Traefik's pods only:\n%s", got)
	}
}

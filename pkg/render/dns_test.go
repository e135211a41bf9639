package render_test

import (
	"strings"
	"testing"

	"github.com/netops/netops/pkg/render"
)

// dnsConfigMaps counts the ConfigMaps that hold DNS records, in any server's format.
func dnsConfigMaps(res *render.Result) int {
	n := 0
	for _, cm := range ofKind(res, "ConfigMap") {
		data, _ := cm.Object["data"].(map[string]any)
		for _, key := range []string{"custom.list", "netops.hosts", "netops.conf"} {
			if _, ok := data[key]; ok {
				n++
			}
		}
	}
	return n
}

// The plan chooses the DNS server: each gets the records in its own format, in its namespace.
func TestDNSServers(t *testing.T) {
	tests := []struct {
		dns, ns, name, key, line string
	}{
		{"{server: coredns}", "kube-system", "netops-dns-hosts", "netops.hosts", "192.168.6.60 plex.home.lan\n"},
		{"{server: dnsmasq, namespace: pihole}", "pihole", "netops-dns", "netops.conf", "host-record=plex.home.lan,192.168.6.60\n"},
		{"{server: pihole, configMap: local-dns}", "pihole", "local-dns", "custom.list", "192.168.6.60 plex.home.lan\n"},
	}
	for _, tt := range tests {
		p := editedExample(t, "cluster.yaml", "weave:\n", "dns: "+tt.dns+"\nweave:\n")
		res := renderPlan(t, p)
		cm := find(t, target(t, res, "homelab"), "ConfigMap", tt.ns, tt.name)
		if got := str(t, cm, "data", tt.key); !strings.Contains(got, tt.line) {
			t.Errorf("dns %s: %s lacks %q:\n%s", tt.dns, tt.key, tt.line, got)
		}
		if n := dnsConfigMaps(res); n != 1 {
			t.Errorf("dns %s: %d ConfigMaps of DNS records, want the one", tt.dns, n)
		}
	}
}

func TestDNSServerNone(t *testing.T) {
	res := renderPlan(t, editedExample(t, "cluster.yaml", "weave:\n", "dns: {server: none}\nweave:\n"))
	if n := dnsConfigMaps(res); n != 0 {
		t.Errorf("dns.server none rendered %d ConfigMaps", n)
	}
}

func TestDNSNamespaceUnused(t *testing.T) {
	res := renderPlan(t, editedExample(t, "cluster.yaml", "weave:\n", "dns: {server: dnsmasq}\nweave:\n"))
	var w string
	for _, x := range target(t, res, "homelab").Warnings {
		w += x.String() + "\n"
	}
	if !strings.Contains(w, "cluster.yaml:") || !strings.Contains(w, "uses the dnsmasq namespace, so the dnsmasq DNS records are not rendered") {
		t.Errorf("warnings lack the unused dnsmasq namespace:\n%s", w)
	}
}

// A Secret that an object reads, that the render does not create and no one is known to create,
// is a warning at the file:line behind the object; the Weave password and MetalLB's memberlist are not.
func TestUnmanagedSecret(t *testing.T) {
	warnings := func(res *render.Result) string {
		var w string
		for _, tg := range res.Targets {
			for _, x := range tg.Warnings {
				w += x.String() + "\n"
			}
		}
		return w
	}
	if w := warnings(renderExample(t)); strings.Contains(w, "reads Secret") {
		t.Errorf("the example warns of a Secret:\n%s", w)
	}
	p := editedExample(t, "netops.yaml", "    version: v3.6.2\n", "    version: v3.6.2\n    values:\n      deployment:\n        imagePullSecrets: [{name: regcred}]\n")
	w := warnings(renderPlan(t, p))
	if !strings.Contains(w, "services.yaml:") || !strings.Contains(w, "Deployment/traefik/traefik-lan reads Secret traefik/regcred, which the render does not create") {
		t.Errorf("warnings lack the unmanaged Secret:\n%s", w)
	}
}

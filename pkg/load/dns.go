package load

import "github.com/netops/netops/pkg/network"

// DNSDefaults are each DNS server's usual namespace and ConfigMap name.
var DNSDefaults = map[network.DNSServer]struct{ Namespace, ConfigMap string }{
	network.DNSPihole:  {"pihole", "pihole-custom-list"},
	network.DNSCoreDNS: {"kube-system", "netops-dns-hosts"},
	network.DNSDnsmasq: {"dnsmasq", "netops-dns"},
	network.DNSNone:    {},
}

// dnsDefaults fills in the server, pihole by default, and its usual namespace and ConfigMap.
func dnsDefaults(d *network.DNS) {
	if d.Server == "" {
		d.Server = network.DNSPihole
	}
	def := DNSDefaults[d.Server]
	if d.Namespace == "" {
		d.Namespace = def.Namespace
	}
	if d.ConfigMap == "" {
		d.ConfigMap = def.ConfigMap
	}
}

package network

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a network is used for.
type Role string

// The network roles.
const (
	RoleUnused         Role = "unused"         // quarantine: holds no address; a device found here is misconfigured
	RoleClients        Role = "clients"        // laptops, phones and other common devices
	RoleIoT            Role = "iot"            // IoT devices
	RoleInfrastructure Role = "infrastructure" // routers, switches, access points
	RoleVIP            Role = "vip"            // virtual IPs, such as the API server's haproxy entrypoint
	RoleLoadBalancer   Role = "loadbalancer"   // holds the MetalLB pools
	RolePool           Role = "pool"           // one MetalLB address pool
	RolePod            Role = "pod"            // the cluster's pod CIDR
	RoleService        Role = "service"        // the cluster's service CIDR
	RoleVPN            Role = "vpn"            // a VPN's client prefix
)

// Roles lists every network role.
var Roles = []Role{RoleUnused, RoleClients, RoleIoT, RoleInfrastructure, RoleVIP, RoleLoadBalancer, RolePool, RolePod, RoleService, RoleVPN}

// UnmarshalText accepts only a known role.
func (r *Role) UnmarshalText(b []byte) error { return oneOf((*string)(r), string(b), "role", Roles) }

// Exposure says who can reach a pool or a service: the LAN only, or the internet too.
type Exposure string

// The exposures.
const (
	ExposureLAN    Exposure = "lan"
	ExposureOnline Exposure = "online"
)

// Exposures lists every exposure.
var Exposures = []Exposure{ExposureLAN, ExposureOnline}

// UnmarshalText accepts only a known exposure.
func (e *Exposure) UnmarshalText(b []byte) error {
	return oneOf((*string)(e), string(b), "exposure", Exposures)
}

// Access says whether a network is private to its tenant or shared with every tenant.
type Access string

// The access levels.
const (
	AccessPrivate Access = "private"
	AccessShared  Access = "shared"
)

// Accesses lists every access level.
var Accesses = []Access{AccessPrivate, AccessShared}

// UnmarshalText accepts only a known access level.
func (a *Access) UnmarshalText(b []byte) error {
	return oneOf((*string)(a), string(b), "access", Accesses)
}

// Protocol is a transport protocol of a service port.
type Protocol string

// The protocols.
const (
	TCP  Protocol = "TCP"
	UDP  Protocol = "UDP"
	SCTP Protocol = "SCTP"
)

// Protocols lists every protocol.
var Protocols = []Protocol{TCP, UDP, SCTP}

// UnmarshalText accepts a known protocol in any case and stores it in upper case.
func (p *Protocol) UnmarshalText(b []byte) error {
	return oneOf((*string)(p), strings.ToUpper(string(b)), "protocol", Protocols)
}

// LinkType is how a site reaches the cluster.
type LinkType string

// The link types.
const (
	LinkDirect LinkType = "direct"
	LinkVPN    LinkType = "vpn"
)

// LinkTypes lists every link type.
var LinkTypes = []LinkType{LinkDirect, LinkVPN}

// UnmarshalText accepts only a known link type.
func (l *LinkType) UnmarshalText(b []byte) error {
	return oneOf((*string)(l), string(b), "link type", LinkTypes)
}

// VPNType is the VPN software behind an endpoint.
type VPNType string

// The VPN types.
const (
	OpenVPN   VPNType = "openvpn"
	WireGuard VPNType = "wireguard"
)

// VPNTypes lists every VPN type.
var VPNTypes = []VPNType{OpenVPN, WireGuard}

// UnmarshalText accepts only a known VPN type.
func (v *VPNType) UnmarshalText(b []byte) error {
	return oneOf((*string)(v), string(b), "VPN type", VPNTypes)
}

// PoolMode is how MetalLB announces a pool.
type PoolMode string

// The pool modes.
const (
	ModeL2  PoolMode = "l2"
	ModeBGP PoolMode = "bgp"
)

// PoolModes lists every pool mode.
var PoolModes = []PoolMode{ModeL2, ModeBGP}

// UnmarshalText accepts only a known pool mode.
func (m *PoolMode) UnmarshalText(b []byte) error {
	return oneOf((*string)(m), string(b), "pool mode", PoolModes)
}

// TrafficPolicy is a LoadBalancer Service's externalTrafficPolicy: Cluster, where kube-proxy hands
// a pod the address of the node that took the packet, or Local, where the pod sees the client's and
// only nodes with a ready pod take traffic.
type TrafficPolicy string

// The traffic policies.
const (
	TrafficCluster TrafficPolicy = "Cluster"
	TrafficLocal   TrafficPolicy = "Local"
)

// TrafficPolicies lists every traffic policy.
var TrafficPolicies = []TrafficPolicy{TrafficCluster, TrafficLocal}

// UnmarshalText accepts only a known traffic policy.
func (t *TrafficPolicy) UnmarshalText(b []byte) error {
	return oneOf((*string)(t), string(b), "external traffic policy", TrafficPolicies)
}

// DNSServer is the DNS server that reads the plan's DNS records, each in its own format.
type DNSServer string

// The DNS servers.
const (
	DNSPihole  DNSServer = "pihole"  // custom.list, "IP name" lines
	DNSCoreDNS DNSServer = "coredns" // a file for the hosts plugin, "IP name" lines
	DNSDnsmasq DNSServer = "dnsmasq" // a conf file of host-record=name,IP lines
	DNSNone    DNSServer = "none"    // no records are rendered
)

// DNSServers lists every DNS server.
var DNSServers = []DNSServer{DNSPihole, DNSCoreDNS, DNSDnsmasq, DNSNone}

// UnmarshalText accepts only a known DNS server.
func (d *DNSServer) UnmarshalText(b []byte) error {
	return oneOf((*string)(d), string(b), "DNS server", DNSServers)
}

// CNI is a cluster's network plugin.
type CNI string

// The network plugins.
const (
	// CNIWeave is Weave Net. With externalTrafficPolicy Cluster, a pod sees traffic from a
	// LoadBalancer Service as coming from the weave bridge of the node that took it, an address of the
	// pod CIDR (weaveworks/weave docs/k8s-src-ip.md); with Local and NO_MASQ_LOCAL=1, the client's.
	CNIWeave CNI = "weave"
)

// CNIs lists every network plugin.
var CNIs = []CNI{CNIWeave}

// UnmarshalText accepts only a known network plugin.
func (c *CNI) UnmarshalText(b []byte) error {
	return oneOf((*string)(c), string(b), "cni", CNIs)
}

func oneOf[T ~string](dst *string, v, what string, allowed []T) error {
	if slices.Contains(allowed, T(v)) {
		*dst = v
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return fmt.Errorf("unknown %s %q; use one of: %s", what, v, strings.Join(names, ", "))
}

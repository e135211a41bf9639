package network

import "net/netip"

// APIVersion is the version of the plan format that this package reads.
const APIVersion = "netops.dev/v1alpha1"

// Plan is a whole network plan, loaded and resolved. Every slice is in the order of the files, then of
// the entities in each file; Networks and Addresses hold every network and address, however nested.
type Plan struct {
	Name        string
	Description string
	Pos         Pos
	Components  Components
	Clusters    []*Cluster
	Sites       []*Site
	Tenants     []*Tenant
	VPNs        []*VPN
	Services    []*Service
	Exceptions  []*Exception
	Networks    []*Network
	Addresses   []*Address
	// Documents lists each top-level entity with the digest of its source, for change detection.
	Documents []Document
}

// Document is one top-level entity of the plan as it was written.
type Document struct {
	Kind   string
	Name   string
	Pos    Pos
	Digest string // sha256 of the entity's YAML, comments and positions left out
	Site   string // the site the entity belongs to, or "" for an entity shared by every site
}

// Cluster is a Kubernetes cluster that the sites share.
type Cluster struct {
	Pos         Pos          `yaml:"-"`
	Name        string       `yaml:"name"`
	Description string       `yaml:"description"`
	Context     string       `yaml:"context"` // the kubeconfig context; defaults to Name
	Tenant      string       `yaml:"tenant"`  // the tenant that owns the pod and service ranges
	PodCIDR     netip.Prefix `yaml:"podCIDR"`
	ServiceCIDR netip.Prefix `yaml:"serviceCIDR"`
	DNSDomain   string       `yaml:"dnsDomain"`
	APIVIP      netip.Addr   `yaml:"apiVIP"` // the API server's VIP behind haproxy
	// APIServers are the addresses the API servers advertise, the endpoints of the kubernetes
	// Service: pods reach the API there once kube-proxy has translated the Service's IP.
	APIServers []netip.Prefix `yaml:"apiServers"`
	// CNI is the network plugin, which decides the source address a pod sees for traffic that came
	// through a LoadBalancer Service; defaults to weave, the only one so far.
	CNI   CNI   `yaml:"cni"`
	Weave Weave `yaml:"weave"`
	DNS   DNS   `yaml:"dns"`
}

// DNS says which DNS server serves the plan's DNS names, and where their ConfigMap goes.
type DNS struct {
	Pos       Pos       `yaml:"-"`
	Server    DNSServer `yaml:"server"`    // defaults to pihole
	Namespace string    `yaml:"namespace"` // defaults to the server's usual one
	ConfigMap string    `yaml:"configMap"` // defaults to the server's usual name
}

// Weave holds the settings of the Weave Net CNI.
type Weave struct {
	Pos            Pos          `yaml:"-"`
	IPAllocRange   netip.Prefix `yaml:"ipAllocRange"` // defaults to the pod CIDR
	MTU            int          `yaml:"mtu"`          // 0 derives it from the smallest site link
	PasswordSecret SecretRef    `yaml:"passwordSecret"`
	Image          string       `yaml:"image"`
	NPCImage       string       `yaml:"npcImage"`
}

// SecretRef names a key of a Kubernetes Secret. The plan never holds a secret value.
type SecretRef struct {
	Pos  Pos    `yaml:"-"`
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

// Site is a location with its own networks; it is the unit that netops applies.
type Site struct {
	Pos          Pos               `yaml:"-"`
	Name         string            `yaml:"name"`
	Description  string            `yaml:"description"`
	Cluster      string            `yaml:"cluster"`
	NodeSelector map[string]string `yaml:"nodeSelector"` // the node labels that select this site's nodes
	Link         Link              `yaml:"link"`
	Networks     []*Network        `yaml:"networks"`
}

// Link is how a site reaches the cluster: directly, or through a named VPN.
type Link struct {
	Pos  Pos      `yaml:"-"`
	Type LinkType `yaml:"type"`
	VPN  string   `yaml:"vpn"` // with type vpn
	MTU  int      `yaml:"mtu"` // defaults to 1500 direct and 1400 over a VPN
}

// Network is an IP prefix with a role. Networks nest: a parent contains its children.
type Network struct {
	Pos         Pos          `yaml:"-"`
	Name        string       `yaml:"name"`
	Prefix      netip.Prefix `yaml:"prefix"` // as written: a prefix with host bits set is kept, not masked
	Role        Role         `yaml:"role"`
	Tenant      string       `yaml:"tenant"` // defaults to the parent's tenant
	VLAN        int          `yaml:"vlan"`   // 0 for none
	Access      Access       `yaml:"access"` // defaults to private
	Description string       `yaml:"description"`
	Pool        *Pool        `yaml:"pool"`        // with role pool
	ReachableBy []string     `yaml:"reachableBy"` // tenants other than the owner that may reach it
	Addresses   []*Address   `yaml:"addresses"`
	Networks    []*Network   `yaml:"networks"`

	Site   *Site    `yaml:"-"` // nil for cluster and VPN ranges
	Parent *Network `yaml:"-"`
}

// Pool holds the MetalLB settings of a network with role pool.
type Pool struct {
	Pos           Pos      `yaml:"-"`
	Exposure      Exposure `yaml:"exposure"`
	Mode          PoolMode `yaml:"mode"` // defaults to l2
	AvoidBuggyIPs bool     `yaml:"avoidBuggyIPs"`
	AutoAssign    *bool    `yaml:"autoAssign"`
	Tenants       []string `yaml:"tenants"`    // restricts the pool to these tenants' namespaces
	Namespaces    []string `yaml:"namespaces"` // restricts the pool to these namespaces
}

// Address is one IP address with a name and roles.
type Address struct {
	Pos         Pos        `yaml:"-"`
	IP          netip.Addr `yaml:"ip"`
	Name        string     `yaml:"name"`
	Roles       []string   `yaml:"roles"` // router, dhcp-server, switch, access-point, vip, server, ...
	DNS         string     `yaml:"dns"`
	Description string     `yaml:"description"`
	Shared      string     `yaml:"shared"` // addresses with the same key may use the same IP

	Network *Network `yaml:"-"`
}

// Tenant is a group of users and workloads with its own rights on the network.
type Tenant struct {
	Pos         Pos      `yaml:"-"`
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Namespaces  []string `yaml:"namespaces"` // the Kubernetes namespaces that belong to the tenant
	Pools       []string `yaml:"pools"`      // the pools it may place services in
	VPNs        []string `yaml:"vpns"`       // the VPNs it may use
	Online      bool     `yaml:"online"`     // whether it may expose services online
	Internet    bool     `yaml:"internet"`   // whether its pods may reach addresses outside the private ranges
	Reaches     []string `yaml:"reaches"`    // networks of other tenants it may reach
	// UsableBy are the other tenants whose networks may reach the tenant's LAN services.
	UsableBy []string `yaml:"usableBy"`
}

// VPN is a VPN endpoint.
type VPN struct {
	Pos         Pos          `yaml:"-"`
	Name        string       `yaml:"name"`
	Description string       `yaml:"description"`
	Type        VPNType      `yaml:"type"`
	Tenant      string       `yaml:"tenant"` // the owner
	Prefix      netip.Prefix `yaml:"prefix"`
	Server      *Address     `yaml:"server"`  // the server's own address in Prefix
	Tenants     []string     `yaml:"tenants"` // the tenants allowed on it
	Sites       []string     `yaml:"sites"`   // the sites it joins
	Routes      []string     `yaml:"routes"`  // the networks it reaches
	MTU         int          `yaml:"mtu"`

	Network *Network `yaml:"-"` // the network made of Prefix
}

// Service is a Kubernetes Service with a fixed load-balancer IP.
type Service struct {
	Pos          Pos               `yaml:"-"`
	Name         string            `yaml:"name"`
	Namespace    string            `yaml:"namespace"`
	Description  string            `yaml:"description"`
	Tenant       string            `yaml:"tenant"`
	Pool         string            `yaml:"pool"` // the name of a network with role pool
	IP           netip.Addr        `yaml:"ip"`
	Ports        []Port            `yaml:"ports"`
	SharingKey   string            `yaml:"sharingKey"` // services with the same key may share an IP
	Exposure     Exposure          `yaml:"exposure"`
	IngressClass string            `yaml:"ingressClass"`
	IngressPort  PortRef           `yaml:"ingressPort"` // the port the route goes to; see RoutePort
	Ingress      bool              `yaml:"ingress"`     // the service is the entrypoint of the Traefik instance for IngressClass
	Selector     map[string]string `yaml:"selector"`    // defaults to app.kubernetes.io/name: Name
	DNS          string            `yaml:"dns"`
	// ExternalTrafficPolicy is the Service's: Local keeps the client's address, so that the
	// NetworkPolicy of a LAN service tells clients apart; "" is Local for a LAN service and Cluster
	// for an online one.
	ExternalTrafficPolicy TrafficPolicy `yaml:"externalTrafficPolicy"`
	// UsableBy are the other tenants whose networks may reach this LAN service, besides those its
	// tenant's usableBy names.
	UsableBy []string `yaml:"usableBy"`

	PoolNet *Network `yaml:"-"`
}

// Port is one port of a service.
type Port struct {
	Pos        Pos      `yaml:"-"`
	Name       string   `yaml:"name"`
	Port       int      `yaml:"port"`
	Protocol   Protocol `yaml:"protocol"` // defaults to TCP
	TargetPort int      `yaml:"targetPort"`
}

// Exception silences one policy finding, for a reason, until an optional date.
type Exception struct {
	Pos     Pos    `yaml:"-"`
	Rule    string `yaml:"rule"`
	Entity  string `yaml:"entity"` // kind/name, as findings name it
	Reason  string `yaml:"reason"`
	Expires string `yaml:"expires"` // YYYY-MM-DD, or empty for never
}

// Components pins the versions and sources of what netops installs in the cluster.
type Components struct {
	Pos     Pos       `yaml:"-"`
	MetalLB Component `yaml:"metallb"`
	Traefik Component `yaml:"traefik"`
	Weave   Component `yaml:"weave"`
}

// Component is one installed component; every field may be overridden by the repo.
type Component struct {
	Pos     Pos               `yaml:"-"`
	Version string            `yaml:"version"`
	Chart   *Chart            `yaml:"chart"`
	Values  map[string]any    `yaml:"values"`
	Images  map[string]string `yaml:"images"`
}

// Chart is where a Helm chart comes from: an HTTP or OCI repository pinned by version and digest, or a
// path in the network repo.
type Chart struct {
	Pos     Pos    `yaml:"-"`
	Repo    string `yaml:"repo"` // https://… with an index.yaml, or oci://…
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	Digest  string `yaml:"digest"` // sha256:… of the packaged chart
	Path    string `yaml:"path"`   // a chart folder in the network repo
}

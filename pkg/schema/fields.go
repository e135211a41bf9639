package schema

// Info is what the reference says about one field, beyond what its Go type says.
type Info struct {
	Doc      string // what the field means, in a sentence or two
	Default  any    // the value the loader fills in when the field is left out: a string, int or bool
	Defaults string // the default when it is not one value, in words
	Required bool   // the loader refuses a document without it
	Label    bool   // the value is a DNS label, as a Kubernetes object name is
	Renders  string // the Kubernetes objects that the field shapes
	Rules    string // the policy rules that read it
	Example  string // a YAML example of the field in its document
}

// fields is the reference's text, by Go type name and yaml field name. A field of the model that is
// missing here fails TestEveryFieldDescribed, which names the key to add.
var fields = map[string]Info{
	"networkDoc.name":        {Doc: "The plan's name. Inventories and reports name it, so that one plan never prunes another's objects.", Required: true, Label: true, Example: "name: homelab"},
	"networkDoc.description": {Doc: "A sentence for people; the report shows it."},
	"networkDoc.components":  {Doc: "The versions and chart sources of what netops installs in each cluster. Left out, netops's built-in charts."},

	"Components.metallb": {Doc: "MetalLB: controller, speaker (native L2 mode) and CRDs.", Renders: "the MetalLB install in each cluster's shared target"},
	"Components.traefik": {Doc: "Traefik: two instances, LAN and online, each with its ingress class and its IP from the plan.", Renders: "the two Traefik installs in each cluster's shared target"},
	"Components.weave":   {Doc: "Weave Net, the CNI: its version picks the image tags.", Renders: "the weave-net DaemonSet"},

	"Component.version": {Doc: "The version to install, such as v0.14.9.", Defaults: "the built-in chart's", Example: "version: v0.14.9"},
	"Component.chart":   {Doc: "Where the Helm chart comes from, instead of the built-in one: an HTTP or OCI repository pinned by version and digest, or a folder in the repo."},
	"Component.values":  {Doc: "Helm values for the chart, merged under the ones netops sets from the plan, which win."},
	"Component.images":  {Doc: "Images by name, replacing the chart's, such as a mirror's copy."},

	"Chart.repo":    {Doc: "An https:// repository with an index.yaml, or an oci:// one."},
	"Chart.name":    {Doc: "The chart's name in the repository."},
	"Chart.version": {Doc: "The chart's version in the repository."},
	"Chart.digest":  {Doc: "The sha256:… digest of the packaged chart: a chart that does not match is refused, and the cache is keyed by it."},
	"Chart.path":    {Doc: "A chart folder in the network repo, such as charts/metallb, instead of a repository."},

	"Cluster.name":        {Doc: "The cluster's name, which sites name in cluster:.", Required: true, Label: true},
	"Cluster.description": {Doc: "A sentence for people."},
	"Cluster.context":     {Doc: "The kubeconfig context that plan and apply use.", Defaults: "the cluster's name"},
	"Cluster.tenant":      {Doc: "The tenant that owns the pod and service ranges.", Required: true, Rules: "tenancy.owner"},
	"Cluster.podCIDR":     {Doc: "The pod CIDR; it becomes a network with role pod, and Weave's allocation range unless weave.ipAllocRange says otherwise.", Required: true, Renders: "the weave-net DaemonSet's IPALLOC_RANGE", Rules: "cluster.range-overlap, cluster.weave-range, cidr.overlap", Example: "podCIDR: 10.244.0.0/16"},
	"Cluster.serviceCIDR": {Doc: "The service CIDR; it becomes a network with role service.", Required: true, Rules: "cluster.range-overlap, cidr.overlap", Example: "serviceCIDR: 10.96.0.0/12"},
	"Cluster.dnsDomain":   {Doc: "The cluster's DNS domain.", Default: "cluster.local"},
	"Cluster.apiVIP":      {Doc: "The API server's virtual IP behind haproxy; it must lie in a network with role vip.", Renders: "the tenant NetworkPolicies' rule that allows the API server", Rules: "cluster.api-vip", Example: "apiVIP: 192.168.1.10"},
	"Cluster.apiServers":  {Doc: "The addresses the API servers advertise, the endpoints of the kubernetes Service: pods reach the API there once kube-proxy has translated the Service's IP.", Renders: "the tenant NetworkPolicies' egress to the API server", Rules: "cluster.api-servers", Example: "apiServers: [192.168.1.11/32, 192.168.1.12/32]"},
	"Cluster.weave":       {Doc: "The Weave Net settings."},
	"Cluster.dns":         {Doc: "Which DNS server serves the dns: names of the plan's addresses and services, and where their ConfigMap goes. The server's Deployment mounts the ConfigMap; see docs/dns.md.", Example: "dns: {server: coredns}"},
	"Cluster.cni":         {Doc: "The network plugin, which decides the source address a pod sees for traffic that came in through a LAN Service with externalTrafficPolicy Cluster.", Default: "weave", Rules: "tenancy.client-address"},

	"DNS.server":    {Doc: "pihole: custom.list, \"IP name\" lines; coredns: a file for the hosts plugin, the same lines; dnsmasq: host-record=name,IP lines; none: no records.", Default: "pihole", Renders: "one ConfigMap of DNS records in the cluster's shared target"},
	"DNS.namespace": {Doc: "The namespace of the records' ConfigMap: one of a tenant's namespaces, or kube-system. A namespace no tenant uses renders nothing, with a warning.", Defaults: "pihole for pihole, kube-system for coredns, dnsmasq for dnsmasq"},
	"DNS.configMap": {Doc: "The ConfigMap's name.", Defaults: "pihole-custom-list, netops-dns-hosts or netops-dns"},

	"Weave.ipAllocRange":   {Doc: "The range Weave hands pod addresses from.", Defaults: "the cluster's podCIDR", Renders: "the weave-net DaemonSet's IPALLOC_RANGE", Rules: "cluster.weave-range"},
	"Weave.mtu":            {Doc: "Weave's MTU. 0 derives it from the smallest link MTU of the cluster's sites, less Weave's own overhead, so adding a site over a VPN lowers it and restarts weave-net on every node.", Default: 0, Renders: "the weave-net DaemonSet's WEAVE_MTU"},
	"Weave.passwordSecret": {Doc: "The Secret key that holds Weave's encryption password. netops renders only the reference, never the value: create the Secret in kube-system yourself (see docs/secrets.md). Left out, traffic between the nodes is not encrypted, with a warning.", Renders: "the weave-net DaemonSet's WEAVE_PASSWORD, from a secretKeyRef", Example: "passwordSecret: {name: weave-passwd, key: weave-passwd}"},
	"Weave.image":          {Doc: "The weave-kube image.", Defaults: "the one of components.weave.version"},
	"Weave.npcImage":       {Doc: "The weave-npc (network policy controller) image.", Defaults: "the one of components.weave.version"},

	"SecretRef.name": {Doc: "The Secret's name, in the namespace of the object that reads it."},
	"SecretRef.key":  {Doc: "The key in the Secret's data."},

	"Site.name":         {Doc: "The site's name: the unit of `apply --site` and the name of its target.", Required: true, Label: true},
	"Site.description":  {Doc: "A sentence for people."},
	"Site.cluster":      {Doc: "The cluster the site's nodes belong to.", Defaults: "the only cluster, when the plan has one"},
	"Site.nodeSelector": {Doc: "The node labels that select the site's nodes.", Renders: "the site's L2Advertisement nodeSelectors, so that only its nodes announce its pools", Rules: "metallb.l2-pool-site", Example: "nodeSelector: {topology.kubernetes.io/zone: home}"},
	"Site.link":         {Doc: "How the site reaches the cluster: directly, or through a VPN."},
	"Site.networks":     {Doc: "The site's networks, nested: a parent contains its children.", Rules: "cidr.*, tenancy.*"},

	"Link.type": {Doc: "direct, or vpn through the VPN named in vpn:.", Default: "direct"},
	"Link.vpn":  {Doc: "The VPN the site's link goes through, with type vpn."},
	"Link.mtu":  {Doc: "The link's MTU; the smallest of the cluster's sites sets Weave's MTU.", Defaults: "1500 direct, 1400 over a VPN", Renders: "the weave-net DaemonSet's WEAVE_MTU, through weave.mtu 0"},

	"Network.name":        {Doc: "The network's name, unique in the plan: services name their pool by it, tenants and VPNs the networks they reach.", Required: true, Label: true},
	"Network.prefix":      {Doc: "The network's prefix, kept as written: a prefix with host bits set is reported by cidr.canonical, never masked.", Required: true, Rules: "cidr.canonical, cidr.nesting, cidr.overlap", Example: "prefix: 192.168.2.0/24"},
	"Network.role":        {Doc: "What the network is for. pool makes it a MetalLB pool (with pool:); unused is quarantine; loadbalancer holds pools.", Required: true, Rules: "cidr.unused-empty, metallb.pool-placement, tenancy.iot-reach"},
	"Network.tenant":      {Doc: "The tenant that owns the network.", Defaults: "the parent network's tenant; a top-level network must name one", Rules: "tenancy.owner"},
	"Network.vlan":        {Doc: "The VLAN id, 0 for none. For people and the report."},
	"Network.access":      {Doc: "private: only its tenant (and the tenants in reachableBy) may reach it; shared: every tenant may.", Default: "private", Renders: "the tenant NetworkPolicies' egress rules", Rules: "tenancy.vpn-reach"},
	"Network.description": {Doc: "A sentence for people; the report shows it."},
	"Network.pool":        {Doc: "The MetalLB settings of a network with role pool; required with that role and refused with any other.", Renders: "the site's IPAddressPool and its L2Advertisement", Rules: "metallb.pool-placement, metallb.pool-overlap, metallb.lan-online-overlap, metallb.l2-pool-site", Example: "networks:\n  - name: lan-pool\n    prefix: 192.168.4.0/26\n    role: pool\n    pool: {exposure: lan}"},
	"Network.reachableBy": {Doc: "Tenants other than the owner that may reach the network.", Renders: "those tenants' NetworkPolicy egress rules", Rules: "tenancy.vpn-reach"},
	"Network.addresses":   {Doc: "Named addresses in the network: routers, servers, VIPs.", Renders: "the DNS records of the addresses with dns:", Rules: "cidr.address-outside, cidr.address-boundary, cidr.duplicate-ip"},
	"Network.networks":    {Doc: "Child networks, each inside this one's prefix.", Rules: "cidr.nesting"},

	"Pool.exposure":      {Doc: "lan: reachable from the LAN only; online: from the internet too. Services in the pool take it as their exposure.", Required: true, Renders: "the services' NetworkPolicies: online admits anyone, lan the site's networks and the VPNs that route it", Rules: "metallb.lan-online-overlap, metallb.service-exposure, tenancy.online-exposure"},
	"Pool.mode":          {Doc: "How MetalLB announces the pool: l2 (ARP/NDP from the site's nodes) or bgp.", Default: "l2", Renders: "the site's L2Advertisement (l2 only)", Rules: "metallb.l2-pool-site", Example: "pool: {exposure: lan, mode: l2}"},
	"Pool.avoidBuggyIPs": {Doc: "Leave out the .0 and .255 addresses, which some clients mishandle.", Default: false, Renders: "the IPAddressPool's avoidBuggyIPs", Rules: "metallb.buggy-ip, metallb.avoid-buggy-ips"},
	"Pool.autoAssign":    {Doc: "Whether MetalLB may hand the pool's addresses to services that do not ask for one. netops services always ask for a fixed IP.", Default: true, Renders: "the IPAddressPool's autoAssign"},
	"Pool.tenants":       {Doc: "Restricts the pool to these tenants' namespaces.", Renders: "the IPAddressPool's serviceAllocation.namespaces", Rules: "tenancy.pool-grant"},
	"Pool.namespaces":    {Doc: "Restricts the pool to these namespaces.", Renders: "the IPAddressPool's serviceAllocation.namespaces"},

	"Address.ip":          {Doc: "The address, inside its network's prefix.", Required: true, Rules: "cidr.address-outside, cidr.address-boundary, cidr.duplicate-ip"},
	"Address.name":        {Doc: "The address's name, unique in its site.", Defaults: "for a VPN's server, <vpn>-server", Label: true},
	"Address.roles":       {Doc: "What the address is: router, dhcp-server, switch, access-point, vip, server, …", Defaults: "for a VPN's server, vpn-server"},
	"Address.dns":         {Doc: "A DNS name for the address.", Renders: "a line of the DNS records ConfigMap"},
	"Address.description": {Doc: "A sentence for people; the report shows it."},
	"Address.shared":      {Doc: "A sharing key: addresses with the same key may hold the same IP, such as a VIP on two routers.", Rules: "cidr.duplicate-ip"},

	"Tenant.name":        {Doc: "The tenant's name.", Required: true, Label: true},
	"Tenant.description": {Doc: "A sentence for people."},
	"Tenant.namespaces":  {Doc: "The Kubernetes namespaces that belong to the tenant.", Renders: "the namespaces, each with a default-deny NetworkPolicy and the allows the tenant has", Rules: "tenancy.namespace"},
	"Tenant.pools":       {Doc: "The pools the tenant may place services in.", Rules: "tenancy.pool-grant"},
	"Tenant.vpns":        {Doc: "The VPNs the tenant may use.", Renders: "the tenant NetworkPolicies' rules for the VPN prefixes", Rules: "tenancy.vpn-grant"},
	"Tenant.online":      {Doc: "Whether the tenant may expose services online.", Default: false, Rules: "tenancy.online-exposure"},
	"Tenant.internet":    {Doc: "Whether the tenant's pods may reach every IPv4 address outside the private ranges and the plan's networks.", Default: false, Renders: "the tenant NetworkPolicies' internet egress rule"},
	"Tenant.reaches":     {Doc: "Networks of other tenants that the tenant may reach.", Renders: "the tenant NetworkPolicies' egress rules", Rules: "tenancy.iot-reach"},
	"Tenant.usableBy":    {Doc: "Other tenants whose networks may reach the tenant's LAN services, as a VPN carries them.", Renders: "the LAN Services' NetworkPolicies' client networks", Rules: "tenancy.reach-consent"},

	"VPN.name":        {Doc: "The VPN's name; its prefix becomes the network vpn-<name>.", Required: true, Label: true},
	"VPN.description": {Doc: "A sentence for people."},
	"VPN.type":        {Doc: "The VPN software.", Required: true},
	"VPN.tenant":      {Doc: "The tenant that owns the VPN.", Required: true, Rules: "tenancy.owner"},
	"VPN.prefix":      {Doc: "The VPN's client prefix.", Required: true, Rules: "cidr.overlap"},
	"VPN.server":      {Doc: "The server's own address in the prefix."},
	"VPN.tenants":     {Doc: "The tenants allowed on the VPN.", Rules: "tenancy.vpn-grant"},
	"VPN.sites":       {Doc: "The sites the VPN joins.", Renders: "the NetworkPolicies of LAN services it routes: the joined sites' networks"},
	"VPN.routes":      {Doc: "The networks the VPN reaches: a LAN service in one of them admits the VPN's prefix and its sites' networks.", Renders: "the services' NetworkPolicies", Rules: "tenancy.vpn-reach"},
	"VPN.mtu":         {Doc: "The tunnel's MTU: a site linked through the VPN counts the smaller of it and its link.mtu, which Weave's MTU follows.", Renders: "the weave-net DaemonSet's WEAVE_MTU, through weave.mtu 0"},

	"Service.name":                  {Doc: "The Service's name.", Required: true, Label: true},
	"Service.namespace":             {Doc: "The Service's namespace, one of its tenant's.", Required: true, Label: true, Rules: "tenancy.namespace"},
	"Service.description":           {Doc: "A sentence for people; the report shows it."},
	"Service.tenant":                {Doc: "The tenant that owns the service.", Required: true, Rules: "tenancy.pool-grant, tenancy.online-exposure"},
	"Service.pool":                  {Doc: "The name of a network with role pool that the IP comes from.", Required: true, Rules: "metallb.service-ip-outside-pool, tenancy.pool-grant"},
	"Service.ip":                    {Doc: "The fixed load-balancer IP, in the pool.", Required: true, Renders: "the Service's metallb.io/loadBalancerIPs annotation (never spec.loadBalancerIP)", Rules: "metallb.service-ip-outside-pool, metallb.duplicate-service-ip, metallb.buggy-ip", Example: "ip: 192.168.4.10"},
	"Service.ports":                 {Doc: "The Service's ports.", Required: true, Renders: "the Service's ports and its NetworkPolicy's ports"},
	"Service.sharingKey":            {Doc: "Services with the same key may share an IP, such as DNS over UDP and TCP.", Renders: "the metallb.io/allow-shared-ip annotation", Rules: "metallb.duplicate-service-ip"},
	"Service.exposure":              {Doc: "lan or online.", Defaults: "the pool's exposure", Renders: "the Service's NetworkPolicy", Rules: "metallb.service-exposure, tenancy.online-exposure"},
	"Service.ingressClass":          {Doc: "The ingress class whose Traefik instance serves the service."},
	"Service.ingressPort":           {Doc: "The port, by name or number, that the service's IngressRoute goes to.", Defaults: "the port named http, else web, else the only port", Renders: "the IngressRoute's service port", Example: "ingressPort: http"},
	"Service.ingress":               {Doc: "The service is the entrypoint of the Traefik instance for ingressClass: that instance's LoadBalancer takes this IP.", Default: false, Renders: "the Traefik instance's Service"},
	"Service.selector":              {Doc: "The pod labels the Service selects.", Defaults: "app.kubernetes.io/name: <name>", Renders: "the Service's selector and its NetworkPolicy's podSelector"},
	"Service.dns":                   {Doc: "A DNS name for the service's IP.", Renders: "a line of the DNS records ConfigMap"},
	"Service.externalTrafficPolicy": {Doc: "Local keeps the client's address, so that the NetworkPolicy of a LAN service tells clients apart, at the price that only nodes running one of its pods take its traffic.", Defaults: "Local for a LAN service, Cluster for an online one", Renders: "the Service's spec.externalTrafficPolicy", Rules: "tenancy.client-address"},
	"Service.usableBy":              {Doc: "Other tenants whose networks may reach this LAN service, besides those its tenant's usableBy names.", Renders: "the Service's NetworkPolicy's client networks", Rules: "tenancy.reach-consent"},

	"Port.name":       {Doc: "The port's name."},
	"Port.port":       {Doc: "The port number, 1 to 65535.", Required: true},
	"Port.protocol":   {Doc: "TCP, UDP or SCTP, in any case.", Default: "TCP"},
	"Port.targetPort": {Doc: "The pods' port.", Defaults: "port"},

	"Exception.rule":    {Doc: "The rule id of the finding to accept, such as cidr.overlap.", Required: true},
	"Exception.entity":  {Doc: "The entity as findings name it, kind/name, such as network/lan-pool.", Required: true},
	"Exception.reason":  {Doc: "Why the finding is accepted.", Required: true},
	"Exception.expires": {Doc: "YYYY-MM-DD, after which the finding counts again; quote it. Left out, never.", Example: "expires: \"2027-01-31\""},
}

package load

import (
	"github.com/netops/netops/pkg/network"
)

func (r *resolver) vpn(v *network.VPN) {
	r.required(v.Pos, v.Type != "", "type", "add type: openvpn or wireguard")
	r.required(v.Pos, v.Prefix.IsValid(), "prefix", "add prefix: such as 10.8.2.0/24")
	if r.required(v.Pos, v.Tenant != "", "tenant", "name the tenant that owns the VPN") {
		ref(r, v.Pos, "tenant", v.Tenant, r.tenants)
	}
	refs(r, v.Pos, "tenant", v.Tenants, r.tenants)
	refs(r, v.Pos, "site", v.Sites, r.sites)
	if v.Name == "" {
		return
	}
	v.Network = r.synthesize(v.Pos, "vpn-"+v.Name, v.Prefix, network.RoleVPN, v.Tenant, v.Description)
	if v.Network != nil && v.Server != nil {
		r.vpnServer(v, v.Server)
	}
}

func (r *resolver) vpnServer(v *network.VPN, a *network.Address) {
	if a.Name == "" {
		a.Name = v.Name + "-server"
	}
	if len(a.Roles) == 0 {
		a.Roles = []string{"vpn-server"}
	}
	v.Network.Addresses = append(v.Network.Addresses, a)
	r.address(a, v.Network, map[string]*network.Address{})
}

func (r *resolver) tenant(t *network.Tenant) {
	for _, name := range t.Pools {
		if n := ref(r, t.Pos, "pool", name, r.networks); n != nil && n.Role != network.RolePool {
			r.errs.add(t.Pos, "list only networks with role pool", "network %q is not a pool (role %s)", name, n.Role)
		}
	}
	refs(r, t.Pos, "VPN", t.VPNs, r.vpns)
	refs(r, t.Pos, "network", t.Reaches, r.networks)
	refs(r, t.Pos, "tenant", t.UsableBy, r.tenants)
}

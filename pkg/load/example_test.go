package load_test

import (
	"net/netip"
	"os"
	"testing"

	"github.com/netops/netops/internal/seedtable"
	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
)

const example = "../../examples/homelab"

// corrected maps the seed's rows that are wrong to what the example declares instead.
var corrected = map[string]string{"192.168.5.0/20": "192.168.5.0/24"}

// TestExampleHoldsSeedTable checks that examples/homelab declares every row of the seed's table, and
// nothing else but the service CIDR and the documented cabin site.
func TestExampleHoldsSeedTable(t *testing.T) {
	p := loadExample(t)
	rows, err := seedtable.Rows()
	if err != nil {
		t.Fatal(err)
	}
	prefixes, addrs, serviceIPs := map[netip.Prefix]bool{}, 0, map[netip.Addr]bool{}
	for _, r := range rows {
		prefixes[seedPrefix(r)] = true
		if !r.Address.IsValid() {
			checkNetwork(t, p, r)
			continue
		}
		if checkAddress(t, p, r) {
			addrs++
		} else {
			serviceIPs[r.Address] = true
		}
	}
	const serviceCIDR, cabinNetworks, cabinAddresses, cabinServices = 1, 3, 1, 1
	wantCount(t, "networks", len(p.Networks), len(prefixes)+serviceCIDR+cabinNetworks)
	wantCount(t, "addresses", len(p.Addresses), addrs+cabinAddresses)
	wantCount(t, "service IPs", countIPs(p.Services), len(serviceIPs)+cabinServices)
}

func loadExample(t *testing.T) *network.Plan {
	t.Helper()
	p, err := load.Load(os.DirFS(example))
	if err != nil {
		t.Fatalf("load %s: %v", example, err)
	}
	return p
}

func seedPrefix(r seedtable.Row) netip.Prefix {
	if c, ok := corrected[r.Prefix.String()]; ok {
		return netip.MustParsePrefix(c)
	}
	return r.Prefix
}

func checkNetwork(t *testing.T, p *network.Plan, r seedtable.Row) {
	want := seedPrefix(r)
	for _, n := range p.Networks {
		if n.Prefix == want {
			if n.Site != nil && n.Description != r.Description {
				t.Errorf("network %s: description %q, seed line %d says %q", want, n.Description, r.Line, r.Description)
			}
			return
		}
	}
	t.Errorf("seed line %d: no network %s in the example", r.Line, want)
}

// checkAddress finds the row's address among the plan's addresses (true) or services (false).
func checkAddress(t *testing.T, p *network.Plan, r seedtable.Row) bool {
	for _, a := range p.Addresses {
		if a.IP == r.Address {
			if a.Network.Description != r.Description && a.Description != r.Description {
				t.Errorf("address %s: description %q, seed line %d says %q", a.IP, a.Description, r.Line, r.Description)
			}
			return true
		}
	}
	for _, s := range p.Services {
		if s.IP == r.Address && s.Description == r.Description {
			return false
		}
	}
	t.Errorf("seed line %d: no address or service %s %q in the example", r.Line, r.Address, r.Description)
	return false
}

func countIPs(services []*network.Service) int {
	ips := map[netip.Addr]bool{}
	for _, s := range services {
		ips[s.IP] = true
	}
	return len(ips)
}

func wantCount(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %d, want %d", what, got, want)
	}
}

func TestExampleResolves(t *testing.T) {
	p := loadExample(t)
	for _, s := range p.Services {
		if s.PoolNet == nil || s.PoolNet.Site == nil {
			t.Errorf("service %s: pool not resolved to a site network", s.Name)
		}
	}
	for _, n := range p.Networks {
		if n.Tenant == "" {
			t.Errorf("network %s has no tenant", n.Name)
		}
	}
	for _, n := range p.Networks {
		if n.Name == "lan-pool" && (n.Parent == nil || n.Parent.Name != "services") {
			t.Errorf("lan-pool's parent = %v, want services", n.Parent)
		}
	}
}

package synth

import (
	"fmt"
	"os"
	"strings"
	"testing/fstest"
)

// MaxSites is the most sites Repo makes: each takes a /20 of 10.0.0.0/9.
const MaxSites = 2048

// Per site, Repo makes these networks and addresses, and these services in the site's pools.
const (
	NetworksPerSite  = 20
	AddressesPerSite = 200
	ServicesPerSite  = 6
)

// Repo makes a network repo of n sites that checks clean. Each site has a /20 of 10.0.0.0/9 cut into
// 16 /24s: a quarantine, clients, IoT, infrastructure, a VIP network, a services network holding a LAN
// and an online pool, an office with two nested /25s, and nine VLANs; 200 addresses; and six services,
// two of which share an IP under one sharing key (DNS over UDP and TCP). Each site has its own tenant.
// One cluster and one VPN serve every site. The same n always gives the same bytes.
func Repo(n int) (fstest.MapFS, error) {
	if n < 1 || n > MaxSites {
		return nil, fmt.Errorf("synth: %d sites; make 1 to %d", n, MaxSites)
	}
	fsys := fstest.MapFS{
		"netops.yaml":  file(netops),
		"cluster.yaml": file(cluster),
		"vpns.yaml":    file(vpn(n)),
	}
	var tenants strings.Builder
	tenants.WriteString(platform)
	for i := range n {
		s := newSite(i)
		fsys["sites/"+s.name+".yaml"] = file(s.site())
		fsys["services/"+s.name+".yaml"] = file(s.services())
		tenants.WriteString("---\n" + s.tenant())
	}
	fsys["tenants.yaml"] = file(tenants.String())
	return fsys, nil
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

const header = "apiVersion: netops.dev/v1alpha1\n"

const netops = header + `kind: Network
name: synthetic
description: A generated plan for benchmarks.
`

const cluster = header + `kind: Cluster
name: synthetic
tenant: platform
podCIDR: 10.224.0.0/12
serviceCIDR: 10.192.0.0/12
`

const platform = header + `kind: Tenant
name: platform
namespaces: [platform]
vpns: [ops]
online: true
`

func vpn(n int) string {
	return header + `kind: VPN
name: ops
type: wireguard
tenant: platform
prefix: 10.128.0.0/24
server: {ip: 10.128.0.1}
tenants: [platform]
sites: [` + siteNames(n) + "]\n"
}

func siteNames(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = newSite(i).name
	}
	return strings.Join(names, ", ")
}

// Write writes the repo of n sites into dir, for tools that read a repo from disk.
func Write(dir string, n int) error {
	fsys, err := Repo(n)
	if err != nil {
		return err
	}
	return os.CopyFS(dir, fsys)
}

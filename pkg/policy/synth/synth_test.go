package synth_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/policy/synth"
)

func TestRepoSizes(t *testing.T) {
	fsys, err := synth.Repo(3)
	if err != nil {
		t.Fatal(err)
	}
	p, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	sites, nets, addrs := 0, 0, 0
	for _, n := range p.Networks {
		if n.Site != nil {
			nets++
		}
	}
	for _, a := range p.Addresses {
		if a.Network.Site != nil {
			addrs++
		}
	}
	sites = len(p.Sites)
	if sites != 3 || nets != 3*synth.NetworksPerSite || addrs != 3*synth.AddressesPerSite || len(p.Services) != 3*synth.ServicesPerSite {
		t.Errorf("%d sites, %d networks, %d addresses, %d services; want 3, %d, %d, %d", sites, nets, addrs, len(p.Services),
			3*synth.NetworksPerSite, 3*synth.AddressesPerSite, 3*synth.ServicesPerSite)
	}
}

func TestRepoIsDeterministic(t *testing.T) {
	a, _ := synth.Repo(20)
	b, _ := synth.Repo(20)
	for name, f := range a {
		if !bytes.Equal(f.Data, b[name].Data) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if len(a) != len(b) {
		t.Errorf("%d files, then %d", len(a), len(b))
	}
}

func TestRepoBounds(t *testing.T) {
	for _, n := range []int{0, synth.MaxSites + 1} {
		if _, err := synth.Repo(n); err == nil {
			t.Errorf("Repo(%d) made a repo", n)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Write(dir, 2); err != nil {
		t.Fatal(err)
	}
	p, err := load.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sites) != 2 {
		t.Errorf("%d sites on disk, want 2", len(p.Sites))
	}
}

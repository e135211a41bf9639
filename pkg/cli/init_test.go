package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What init writes validates and checks clean, with one site and with three, and renders offline.
func TestInitChecksClean(t *testing.T) {
	for _, sites := range []string{"1", "3"} {
		dir := filepath.Join(t.TempDir(), "net")
		run(t, "init", "--sites", sites, dir).want(t, 0, "next: netops validate --repo "+dir, "wrote sites/site-1.yaml")
		run(t, "validate", "--repo", dir).want(t, 0, "my-network is valid: "+sites+" site", "")
		if sites == "1" {
			run(t, "validate", "--repo", dir).want(t, 0, "is valid: 1 site, 1 tenant, 7 networks, 1 address, 2 services, 0 VPNs, 1 cluster\n", "")
		}
		run(t, "check", "--repo", dir).want(t, 0, "", ": 0 denies, 0 warnings, 0 excepted")
		r := run(t, "render", "--repo", dir, "--offline")
		r.want(t, 0, "192.168.10.1 router.site-1.lan\n", "")
		if r.err != "" {
			t.Errorf("--sites %s: render warned:\n%s", sites, r.err)
		}
	}
}

func TestInitRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "init", dir).want(t, 1, "", "is not empty (it holds notes.txt)")
	if _, err := os.Stat(filepath.Join(dir, "netops.yaml")); err == nil {
		t.Error("init wrote into a non-empty folder")
	}
	run(t, "init", "--sites", "0", filepath.Join(dir, "new")).want(t, 1, "", "lay out from 1 to 20 sites")
}

// render --out removes the file of a target the plan no longer has, and only files it wrote.
func TestRenderOutRemovesStaleTargets(t *testing.T) {
	for _, format := range []string{"yaml", "json"} {
		repo := filepath.Join(t.TempDir(), "net")
		out := filepath.Join(t.TempDir(), "out")
		run(t, "init", "--sites", "2", repo).want(t, 0, "", "")
		run(t, "render", "--repo", repo, "--offline", "-o", format, "--out", out).want(t, 0, "site-2."+format+": ", "")
		notes := filepath.Join(out, "notes."+format)
		if err := os.WriteFile(notes, []byte("mine\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(repo, "sites", "site-2.yaml")); err != nil {
			t.Fatal(err)
		}
		// the tenant's pools still name site-2's
		tenants := filepath.Join(repo, "tenants.yaml")
		b, _ := os.ReadFile(tenants)
		if err := os.WriteFile(tenants, []byte(strings.Replace(string(b), ", site-2-lan-pool", "", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		r := run(t, "render", "--repo", repo, "--offline", "-o", format, "--out", out)
		r.want(t, 0, "site-2."+format+": removed, its target is no longer in the plan\n", "")
		if _, err := os.Stat(filepath.Join(out, "site-2."+format)); err == nil {
			t.Errorf("%s: site-2's file is still there", format)
		}
		for _, keep := range []string{notes, filepath.Join(out, "site-1."+format), filepath.Join(out, "main."+format)} {
			if _, err := os.Stat(keep); err != nil {
				t.Errorf("%s: %v", format, err)
			}
		}
	}
}

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateExampleText(t *testing.T) {
	run(t, "validate", "--repo", example).want(t, 0,
		"homelab is valid: 2 sites, 3 tenants, 15 networks, 8 addresses, 12 services, 2 VPNs, 1 cluster\n", "")
}

// The counts are the seed table's (see pkg/load's TestExampleHoldsSeedTable) plus the cabin site.
func TestValidateExampleJSON(t *testing.T) {
	r := run(t, "validate", "--repo", example, "-o", "json")
	r.want(t, 0, `"format_version": "1"`, "")
	var got struct {
		Valid  bool           `json:"valid"`
		Counts map[string]int `json:"counts"`
	}
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"sites": 2, "tenants": 3, "networks": 15, "addresses": 8, "services": 12, "vpns": 2, "clusters": 1}
	if diff := cmp.Diff(want, got.Counts); diff != "" || !got.Valid {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestValidateErrors(t *testing.T) {
	dir := exampleRepo(t)
	appendFile(t, dir, "tenants.yaml", "vpns: [nowhere]\n")
	writeFile(t, dir, "notes.yaml", "just words\n")
	r := run(t, "validate", "--repo", dir)
	r.want(t, 1, "", "notes.yaml:1:1: expected a mapping, found \"just words\"; write key: value pairs\n")
	r.want(t, 1, "", "tenants.yaml:32:1: duplicate key \"vpns\" (first at line 30); remove one of them\n")
	r.want(t, 1, "", "2 problem(s)")
}

func TestValidateErrorsJSON(t *testing.T) {
	dir := exampleRepo(t)
	writeFile(t, dir, "sites/cabin.yaml", "apiVersion: netops.dev/v1alpha1\nkind: Site\nname: cabin\nlink: {type: vpn, vpn: nowhere}\n")
	r := run(t, "validate", "--repo", dir, "-o", "json")
	r.want(t, 1, `"valid": false`, "")
	r.want(t, 1, `"file": "sites/cabin.yaml",
      "line": 4,
      "col": 7,
      "message": "unknown VPN \"nowhere\"",
      "hint": "declare it, or fix the spelling"`, "")
}

func TestValidateSymlinkOutside(t *testing.T) {
	dir := exampleRepo(t)
	secret := filepath.Join(t.TempDir(), "outside.yaml")
	writeFile(t, filepath.Dir(secret), "outside.yaml", "apiVersion: netops.dev/v1alpha1\nkind: Tenant\nname: x\n")
	if err := os.Symlink(secret, filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	run(t, "validate", "--repo", dir).want(t, 1, "", "link.yaml")
	run(t, "validate", "--repo", dir).want(t, 1, "", "outside the repository")
}

func TestValidateMissingRepo(t *testing.T) {
	run(t, "validate", "--repo", filepath.Join(t.TempDir(), "nope")).want(t, 1, "", "does not exist")
}

func TestValidateEmptyRepo(t *testing.T) {
	run(t, "validate", "--repo", t.TempDir()).want(t, 1, "", ".: no plan files")
}

// --rev reads another commit without touching the work tree.
func TestValidateRev(t *testing.T) {
	dir := exampleRepo(t)
	first := git(t, dir, "rev-parse", "HEAD")
	appendFile(t, dir, "tenants.yaml", "---\napiVersion: netops.dev/v1alpha1\nkind: Tenant\nname: lodgers\n")
	commitAll(t, dir, "add lodgers")
	run(t, "validate", "--repo", dir, "--rev", first).want(t, 0, "3 tenants", "")
	run(t, "validate", "--repo", dir, "--rev", "main").want(t, 0, "4 tenants", "")
	run(t, "validate", "--repo", dir, "--rev", "nope").want(t, 1, "", `"nope"`)
	if got := git(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("the work tree changed:\n%s", got)
	}
}

func TestVersion(t *testing.T) {
	text := run(t, "version")
	text.want(t, 0, "netops dev", "")
	run(t, "--version").want(t, 0, text.out, "")
	r := run(t, "version", "-o", "json")
	r.want(t, 0, `"format_version": "1"`, "")
	var v struct {
		Version   string `json:"version"`
		GoVersion string `json:"go_version"`
	}
	if err := json.Unmarshal([]byte(r.out), &v); err != nil || v.Version == "" || v.GoVersion == "" {
		t.Errorf("version -o json = %s (%v), want a version and a Go version", r.out, err)
	}
	run(t, "version", "-o", "yaml").want(t, 1, "", `unknown output format "yaml"`)
}

func TestUnknownCommand(t *testing.T) {
	run(t, "frobnicate").want(t, 1, "", "unknown command")
}

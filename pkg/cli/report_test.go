package cli_test

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netops/netops/pkg/cli"
	"github.com/netops/netops/pkg/load"
)

var update = flag.Bool("update", false, "rewrite docs/report.png from the browser test")

// reportOf runs netops report with args into a file, and returns the page.
func reportOf(t *testing.T, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	run(t, append([]string{"report", "--out", out}, args...)...).want(t, cli.ExitOK, "", "wrote the report of")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReportExample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.html")
	r := run(t, "report", "--repo", example, "--out", out)
	r.want(t, cli.ExitOK, "", "wrote the report of homelab to "+out+
		": 2 sites, 15 networks, 8 addresses, 3 pools, 12 services, 0 denies, 0 warnings\n")
	if r.out != "" {
		t.Errorf("stdout = %q, want nothing", r.out)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(page, []byte("<!DOCTYPE html>")) || !bytes.Contains(page, []byte(`data-prefix="192.168.6.0/25"`)) {
		t.Errorf("%s is not the report:\n%.300s", out, page)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("%s: %v, mode %v; want 0644", out, err, info.Mode())
	}
}

func TestReportStdout(t *testing.T) {
	r := run(t, "report", "--repo", example)
	r.want(t, cli.ExitOK, "<title>homelab: address plan</title>", "to stdout")
}

func TestReportBadOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "missing", "r.html")
	run(t, "report", "--repo", example, "--out", out).want(t, cli.ExitFailure, "", "writing the report "+out)
}

// TestReportBase checks a change against its base: the change is listed, and its deny is new.
func TestReportBase(t *testing.T) {
	dir := exampleRepo(t)
	replaceIn(t, dir, "sites/home.yaml", "ip: 192.168.4.2,", "ip: 192.168.4.1,")
	commitAll(t, dir, "core-switch takes the router's IP")
	page := string(reportOf(t, "--repo", dir, "--rev", "HEAD", "--base", "HEAD~1"))
	for _, want := range []string{
		"<h2>Changes against HEAD~1 (",
		`<td><span class="chg moved">moved</span></td><td>address</td>`,
		`<td>new</td></tr>`,
		`class="o deny moved" data-ip="192.168.4.1" data-finding="cidr.duplicate-ip"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
}

// TestReportInChromium opens reports in headless Chromium: the example's, where every prefix must be
// in the DOM, and one of a plan with a duplicate IP, where the deny must be marked on its cell. Neither
// page may ask for anything but itself. With -update, the example's screenshot becomes docs/report.png.
func TestReportInChromium(t *testing.T) {
	t.Run("example", func(t *testing.T) {
		t.Chdir("../..") // so that the page names the repo as the README does
		v := visitPage(t, reportOf(t, "--repo", "examples/homelab"))
		onlyItself(t, v)
		plan, err := load.Load(os.DirFS("examples/homelab"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range plan.Networks {
			if p := n.Prefix.String(); !strings.Contains(v.dom, `data-prefix="`+p+`"`) || !strings.Contains(v.dom, "<code>"+p+"</code>") {
				t.Errorf("the DOM lacks prefix %s of network %s", p, n.Name)
			}
		}
		checkScreenshot(t, v.screenshot)
	})
	t.Run("duplicate IP", func(t *testing.T) {
		dir := copyExample(t)
		replaceIn(t, dir, "sites/home.yaml", "ip: 192.168.4.2,", "ip: 192.168.4.1,")
		run(t, "check", "--repo", dir).want(t, cli.ExitFindings, "deny cidr.duplicate-ip address/home/core-switch", "")
		v := visitPage(t, reportOf(t, "--repo", dir))
		onlyItself(t, v)
		for _, want := range []string{
			`<tr id="f1" class="deny">`,
			`<a href="#m-site-home-192-168-4-0">address/home/core-switch</a>`,
			`<figure id="m-site-home-192-168-4-0" class="marked">`,
			`class="o deny" data-ip="192.168.4.1" data-finding="cidr.duplicate-ip"`,
		} {
			if !strings.Contains(v.dom, want) {
				t.Errorf("the DOM lacks %s", want)
			}
		}
	})
}

// onlyItself fails unless the page asked for nothing but itself.
func onlyItself(t *testing.T, v visit) {
	t.Helper()
	if len(v.requests) != 1 || !strings.HasSuffix(v.requests[0], "/report.html") {
		t.Errorf("the page made these requests, want only its own:\n%s", strings.Join(v.requests, "\n"))
	}
}

// checkScreenshot checks that the screenshot is a 1400×2000 PNG, and with -update keeps it in the docs;
// it runs in the repo's root.
func checkScreenshot(t *testing.T, b []byte) {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != 1400 || cfg.Height != 2000 {
		t.Fatalf("screenshot: %v, %d×%d; want a 1400×2000 PNG", err, cfg.Width, cfg.Height)
	}
	if *update {
		if err := os.WriteFile("docs/report.png", b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// --repo . is named by its folder in the report's header, not as ".".
func TestReportNamesDotRepo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "branch-office")
	if err := os.CopyFS(dir, os.DirFS(example)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r.html")
	t.Chdir(dir)
	run(t, "report", "--repo", ".", "--out", out).want(t, cli.ExitOK, "", "wrote the report of branch-office to ")
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("branch-office")) {
		t.Errorf("the report does not name branch-office:\n%.600s", page)
	}
}

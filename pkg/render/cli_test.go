package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netops/netops/pkg/cli"
)

// These tests drive `netops render` in-process, as the binary runs it.

func netops(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	t.Setenv("NETOPS_CACHE", t.TempDir())
	err := cli.Run(context.Background(), cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut}, args)
	if err != nil && !cli.Silent(err) {
		errOut.WriteString("netops: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), cli.ExitCode(err)
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "homelab", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCLIRender renders every target of the example to stdout, each after a comment that names it.
func TestCLIRender(t *testing.T) {
	out, errOut, code := netops(t, "render", "--repo", example, "--offline")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range []string{"homelab", "home", "cabin"} {
		if !strings.Contains(out, "# netops render: target "+name+", ") || !strings.Contains(out, golden(t, name)) {
			t.Errorf("stdout lacks target %s as in its golden file", name)
		}
	}
}

// TestCLIRenderSiteJSON renders one site as versioned JSON.
func TestCLIRenderSiteJSON(t *testing.T) {
	out, errOut, code := netops(t, "render", "--repo", example, "--site", "cabin", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		FormatVersion string `json:"format_version"`
		Targets       []struct {
			Name, Site string
			Objects    []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != "1" || len(doc.Targets) != 1 || doc.Targets[0].Site != "cabin" || len(doc.Targets[0].Objects) != 4 {
		t.Errorf("got format %q and targets %+v", doc.FormatVersion, doc.Targets)
	}
}

// TestCLIRenderOut writes one file per target.
func TestCLIRenderOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	out, errOut, code := netops(t, "render", "--repo", example, "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range []string{"homelab", "home", "cabin"} {
		b, err := os.ReadFile(filepath.Join(dir, name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(string(b), golden(t, name)) {
			t.Errorf("%s.yaml differs from its golden file", name)
		}
		if !strings.Contains(out, filepath.Join(dir, name+".yaml")+": ") {
			t.Errorf("stdout does not list %s.yaml:\n%s", name, out)
		}
	}
}

// TestCLIRenderErrors checks the exit code and message of a bad target and a bad format.
func TestCLIRenderErrors(t *testing.T) {
	cases := map[string][]string{
		"no site or cluster named \"attic\"; the targets are homelab, cabin, home": {"--site", "attic"},
		"unknown output format \"toml\"":                                           {"-o", "toml"},
	}
	for want, args := range cases {
		_, errOut, code := netops(t, append([]string{"render", "--repo", example}, args...)...)
		if code != cli.ExitFailure || !strings.Contains(errOut, want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", args, code, errOut, want)
		}
	}
}

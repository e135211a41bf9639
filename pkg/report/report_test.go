package report_test

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/pkg/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const example = "../../examples/homelab"

// edit is one change to a file of the example: old must be there once, and becomes new; an empty
// old appends new.
type edit struct{ file, old, new string }

// exampleWith loads the example with edits made, from memory.
func exampleWith(t testing.TB, edits ...edit) *network.Plan {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(example), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(os.DirFS(example), p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		f := fsys[e.file]
		if e.old != "" && strings.Count(string(f.Data), e.old) != 1 {
			t.Fatalf("%s does not hold %q once", e.file, e.old)
		}
		if e.old == "" {
			f.Data = append(f.Data, e.new...)
		} else {
			f.Data = []byte(strings.Replace(string(f.Data), e.old, e.new, 1))
		}
	}
	p, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// check runs the built-in policies on a plan, at a fixed time so that exceptions expire the same way.
func check(t testing.TB, p *network.Plan) *policy.Result {
	t.Helper()
	ctx := context.Background()
	e, err := policy.New(ctx, nil, policy.WithNow(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Check(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func page(t testing.TB, r *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test -update to write it", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func homelab(t testing.TB) *report.Report {
	p := exampleWith(t)
	return report.New(p, report.WithSource("examples/homelab"), report.WithFindings(check(t, p)))
}

func TestReportHomelabGolden(t *testing.T) {
	golden(t, "homelab.html", page(t, homelab(t)))
}

// change is a change to the example: core-switch takes the router's IP, plex moves, ap-office goes
// and the cabin gains an IoT network with a thermostat.
var change = []edit{
	{"sites/home.yaml", "ip: 192.168.4.2,", "ip: 192.168.4.1,"},
	{"services.yaml", "ip: 192.168.6.60", "ip: 192.168.6.61"},
	{"sites/home.yaml", "      - {ip: 192.168.4.4, name: ap-office, roles: [access-point], dns: ap-office.home.lan, description: Access Point office}\n", ""},
	{"sites/cabin.yaml", "", "  - name: cabin-iot\n    prefix: 192.168.21.0/24\n    role: iot\n    tenant: home\n" +
		"    addresses:\n      - {ip: 192.168.21.10, name: thermostat, roles: [sensor]}\n"},
}

func changed(t testing.TB) *report.Report {
	base, head := exampleWith(t), exampleWith(t, change...)
	res := check(t, head)
	res.Compare(check(t, base))
	return report.New(head, report.WithSource("examples/homelab, changed"), report.WithFindings(res),
		report.WithBase(base, "examples/homelab"))
}

func TestReportChangeGolden(t *testing.T) {
	golden(t, "homelab-change.html", page(t, changed(t)))
}

func TestReportDeterministic(t *testing.T) {
	if a, b := page(t, changed(t)), page(t, changed(t)); a != b {
		t.Error("two reports of the same change differ")
	}
}

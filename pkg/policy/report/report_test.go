package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/pkg/policy/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample is a check compared with a base: a new deny, an old deny, a warning and an excepted finding.
func sample() report.Report {
	exc := &network.Exception{Pos: network.Pos{File: "exceptions.yaml", Line: 1, Col: 1}, Rule: "naming.dns-suffix",
		Entity: "address/home/router", Reason: "the router keeps its vendor name", Expires: "2026-12-31"}
	res := &policy.Result{
		Findings: []policy.Finding{
			{Rule: "cidr.canonical", Severity: policy.Deny, Entity: "network/vip", Source: "builtin/cidr.rego", Status: policy.StatusExisting,
				Message: "prefix 192.168.5.0/20 of network vip has host bits set, so it means 192.168.0.0/20; write 192.168.0.0/20, or the prefix you meant",
				Pos:     network.Pos{File: "sites/home.yaml", Line: 40, Col: 5}},
			{Rule: "metallb.pool-overlap", Severity: policy.Deny, Entity: "network/lan-pool", Related: "network/extra-pool", Source: "builtin/metallb.rego",
				Status: policy.StatusNew, Message: "pool lan-pool (192.168.6.0/25) overlaps pool extra-pool (192.168.6.64/26) | twice",
				Pos: network.Pos{File: "sites/home.yaml", Line: 60, Col: 9}},
			{Rule: "metallb.avoid-buggy-ips", Severity: policy.Warn, Entity: "network/online-pool", Source: "builtin/metallb.rego",
				Status: policy.StatusExisting, Message: "pool online-pool (192.168.6.128/25) holds addresses ending in .0 or .255",
				Pos: network.Pos{File: "sites/home.yaml", Line: 68, Col: 9}},
		},
		Excepted: []policy.Finding{
			{Rule: "naming.dns-suffix", Severity: policy.Deny, Entity: "address/home/router", Source: "policies/naming.rego",
				Status: policy.StatusExisting, Message: "router.vendor.com is not under a LAN domain",
				Pos: network.Pos{File: "sites/home.yaml", Line: 38, Col: 9}, Exception: exc},
		},
		Rules: []policy.Rule{
			{ID: "cidr.canonical", Severity: policy.Deny, Title: "Canonical prefixes", Description: "A prefix has no host bits set.", Source: "builtin/cidr.rego"},
			{ID: "cidr.overlap", Severity: policy.Deny, Title: "No overlapping networks", Source: "builtin/cidr.rego"},
			{ID: "metallb.avoid-buggy-ips", Severity: policy.Warn, Title: "Pools avoid .0 and .255", Source: "builtin/metallb.rego"},
			{ID: "metallb.pool-overlap", Severity: policy.Deny, Title: "No overlapping pools", Source: "builtin/metallb.rego"},
			{ID: "naming.dns-suffix", Severity: policy.Deny, Title: "LAN DNS names", Source: "policies/naming.rego"},
		},
		Compared: true,
	}
	return report.Report{Repo: "examples/homelab", Revision: "0123456789abcdef0123456789abcdef01234567", Base: "main", Result: res}
}

func output(t *testing.T, format string, r report.Report) []byte {
	t.Helper()
	out, err := report.For(format)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := out.Output(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var goldenNames = map[string]string{"text": "check.txt", "json": "check.json", "markdown": "check.md", "junit": "check.junit.xml", "sarif": "check.sarif"}

func TestGolden(t *testing.T) {
	for _, format := range report.Formats {
		t.Run(format, func(t *testing.T) {
			got := output(t, format, sample())
			path := filepath.Join("testdata", goldenNames[format])
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v; run go test -update to write it", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := report.For("yaml"); err == nil || !strings.Contains(err.Error(), "text, json, markdown, junit, sarif") {
		t.Errorf("err = %v", err)
	}
}

// TestSARIFStructure checks the log against the parts of SARIF 2.1.0 that code scanning reads.
func TestSARIFStructure(t *testing.T) {
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID                   string                 `json:"id"`
						ShortDescription     struct{ Text string }  `json:"shortDescription"`
						DefaultConfiguration struct{ Level string } `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string                `json:"ruleId"`
				RuleIndex int                   `json:"ruleIndex"`
				Level     string                `json:"level"`
				Message   struct{ Text string } `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }                 `json:"artifactLocation"`
						Region           struct{ StartLine, StartColumn int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				BaselineState string            `json:"baselineState"`
				Suppressions  []json.RawMessage `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	dec := json.NewDecoder(bytes.NewReader(output(t, "sarif", sample())))
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("version %q, schema %q, %d runs", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "netops" || len(run.Tool.Driver.Rules) != 5 {
		t.Errorf("driver %q with %d rules", run.Tool.Driver.Name, len(run.Tool.Driver.Rules))
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "" || r.ShortDescription.Text == "" || (r.DefaultConfiguration.Level != "error" && r.DefaultConfiguration.Level != "warning") {
			t.Errorf("rule %+v", r)
		}
	}
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want 4", len(run.Results))
	}
	for _, res := range run.Results {
		rules := run.Tool.Driver.Rules
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s points at rule %d", res.RuleID, res.RuleIndex)
		}
		loc := res.Locations[0].PhysicalLocation
		if len(res.Locations) != 1 || loc.ArtifactLocation.URI != "sites/home.yaml" || loc.Region.StartLine < 1 || res.Message.Text == "" {
			t.Errorf("result %s at %+v", res.RuleID, res.Locations)
		}
	}
	first, excepted := run.Results[0], run.Results[3]
	if first.Level != "error" || first.Locations[0].PhysicalLocation.Region.StartLine != 40 || first.BaselineState != "unchanged" {
		t.Errorf("first result %+v", first)
	}
	if run.Results[1].BaselineState != "new" || run.Results[2].Level != "warning" || len(excepted.Suppressions) != 1 {
		t.Errorf("results %+v", run.Results)
	}
}

func TestJUnitStructure(t *testing.T) {
	var doc struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
			Cases    []struct {
				Class   string    `xml:"classname,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(output(t, "junit", sample()), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Suites[0]
	// two denies fail, the warning passes, the excepted finding is skipped, and cidr.overlap passes
	if s.Tests != 5 || s.Failures != 2 || s.Skipped != 1 || len(s.Cases) != 5 {
		t.Errorf("suite: %d tests, %d failures, %d skipped, %d cases", s.Tests, s.Failures, s.Skipped, len(s.Cases))
	}
}

func TestSummary(t *testing.T) {
	for _, c := range []struct {
		s    report.Summary
		want string
	}{
		{report.Summary{}, "0 denies, 0 warnings, 0 excepted"},
		{report.Summary{Deny: 1, Warn: 1}, "1 deny, 1 warning, 0 excepted"},
		{report.Summary{Deny: 2, NewDeny: 1, Warn: 3, Excepted: 1}, "2 denies (1 new), 3 warnings, 1 excepted"},
	} {
		if got := c.s.String(); got != c.want {
			t.Errorf("%+v = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestMarkdownVerdicts(t *testing.T) {
	passed := report.Report{Repo: "r", Result: &policy.Result{}}
	if got := string(output(t, "markdown", passed)); !strings.HasPrefix(got, "### netops check: passed\n") {
		t.Errorf("clean check:\n%s", got)
	}
	r := sample()
	r.Base = ""
	if got := string(output(t, "markdown", r)); !strings.HasPrefix(got, "### netops check: failed: 2 denies (1 new), 1 warning, 1 excepted\n") {
		t.Errorf("failed check:\n%s", got)
	}
}

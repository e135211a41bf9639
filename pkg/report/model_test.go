package report_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/pkg/report"
)

// rows lists every row of every section as "section prefix name: used/reserved/free of size".
func rows(r *report.Report) []string {
	var out []string
	for _, s := range r.Sections {
		for _, row := range s.Rows {
			u := row.Use
			out = append(out, fmt.Sprintf("%s %s%s %s: %d/%d/%s of %s", s.ID, strings.Repeat(". ", row.Depth), row.Prefix, row.Name,
				u.Used, u.Reserved, u.Free, u.Size))
		}
	}
	return out
}

func TestReportSectionsAndUse(t *testing.T) {
	want := []string{
		"site-cabin 192.168.20.0/24 cabin-lan: 1/2/253 of 256",
		"site-cabin 192.168.22.0/24 cabin-services: 1/2/253 of 256",
		"site-cabin . 192.168.22.0/25 cabin-pool: 1/1/126 of 128", // .0 is reserved, .127 is not the segment's broadcast
		"site-home 192.168.1.0/24 quarantine: 0/2/254 of 256",
		"site-home 192.168.2.0/24 common: 0/2/254 of 256",
		"site-home 192.168.3.0/24 iot: 0/2/254 of 256",
		"site-home 192.168.4.0/24 infrastructure: 4/2/250 of 256",
		"site-home 192.168.5.0/24 vip: 1/2/253 of 256",
		"site-home 192.168.6.0/24 services: 10/2/244 of 256", // pihole's two services share one IP
		"site-home . 192.168.6.0/25 lan-pool: 9/1/118 of 128",
		"site-home . 192.168.6.128/25 online-pool: 1/1/126 of 128",
		"cluster 10.244.0.0/16 homelab-pods: 0/2/65534 of 65536",
		"cluster 10.96.0.0/12 homelab-services: 0/2/1048574 of 1048576",
		"vpns 10.8.2.0/24 vpn-shared: 1/2/253 of 256",
		"vpns 10.8.4.0/24 vpn-private: 1/2/253 of 256",
	}
	if diff := cmp.Diff(want, rows(homelab(t))); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReportMaps(t *testing.T) {
	var got []string
	for _, s := range homelab(t).Sections {
		for _, m := range s.Maps {
			got = append(got, m.ID)
		}
	}
	want := []string{"m-site-cabin-192-168-20-0", "m-site-cabin-192-168-22-0",
		"m-site-home-192-168-1-0", "m-site-home-192-168-2-0", "m-site-home-192-168-3-0", "m-site-home-192-168-4-0",
		"m-site-home-192-168-5-0", "m-site-home-192-168-6-0", "m-vpns-10-8-2-0", "m-vpns-10-8-4-0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("maps (-want +got):\n%s", diff)
	}
}

func TestReportChanges(t *testing.T) {
	var got []string
	for _, c := range changed(t).Changes {
		got = append(got, fmt.Sprintf("%s %s %s %s→%s #%s", c.Action, c.Kind, c.Name, c.From, c.To, c.Anchor))
	}
	want := []string{
		"added network cabin-iot →192.168.21.0/24 #net-cabin-iot",
		"added address cabin/thermostat →192.168.21.10 #m-site-cabin-192-168-21-0",
		"moved address home/core-switch 192.168.4.2→192.168.4.1 #m-site-home-192-168-4-0",
		"removed address home/ap-office 192.168.4.4→ #",
		"moved service media/plex 192.168.6.60→192.168.6.61 #m-site-home-192-168-6-0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

// TestReportDuplicateIPMarked checks that the deny of a duplicate IP is listed, links to the map of its /24,
// and outlines the cell in that map.
func TestReportDuplicateIPMarked(t *testing.T) {
	r := changed(t)
	if len(r.Findings) != 1 {
		t.Fatalf("findings = %+v, want the duplicate IP only", r.Findings)
	}
	f := r.Findings[0]
	if f.Rule != "cidr.duplicate-ip" || f.Severity != "deny" || f.Status != "new" || f.Anchor != "m-site-home-192-168-4-0" {
		t.Errorf("finding = %+v", f)
	}
	m := findMap(t, r, "site-home", "m-site-home-192-168-4-0")
	cell := `class="o deny moved" data-ip="192.168.4.1" data-finding="cidr.duplicate-ip"/>`
	if !m.Marked || !strings.Contains(string(m.SVG), cell) {
		t.Errorf("map %s marked %v, lacks %s:\n%s", m.ID, m.Marked, cell, m.SVG)
	}
	ghost := `class="o gone" data-ip="192.168.4.2"><title>192.168.4.2: address home/core-switch was here at the base; moved to 192.168.4.1</title>`
	if !strings.Contains(string(m.SVG), ghost) {
		t.Errorf("map %s lacks %s", m.ID, ghost)
	}
	if s := section(t, r, "site-home"); s.Denies != 1 || s.Changes != 3 || !s.Open {
		t.Errorf("site home: %d denies, %d changes, open %v; want 1, 3, true", s.Denies, s.Changes, s.Open)
	}
}

func section(t *testing.T, r *report.Report, id string) *report.Section {
	t.Helper()
	for _, s := range r.Sections {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no section %s", id)
	return nil
}

func findMap(t *testing.T, r *report.Report, sec, id string) *report.Map {
	t.Helper()
	for _, m := range section(t, r, sec).Maps {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("section %s has no map %s", sec, id)
	return nil
}

func TestReportPoolServices(t *testing.T) {
	var got []string
	for _, p := range section(t, homelab(t), "site-home").Pools {
		for _, s := range p.Services {
			got = append(got, p.Name+" "+s.IP+" "+s.Name)
		}
	}
	want := []string{"lan-pool 192.168.6.1 traefik/traefik-lan", "lan-pool 192.168.6.60 media/plex",
		"lan-pool 192.168.6.65 kubernetes-dashboard/kubernetes-dashboard", "lan-pool 192.168.6.71 downloads/qbittorrent",
		"lan-pool 192.168.6.77 logging/log-server", "lan-pool 192.168.6.88 tekton-pipelines/tekton-dashboard",
		"lan-pool 192.168.6.90 consul/consul-dns", "lan-pool 192.168.6.91 consul/consul-ui",
		"lan-pool 192.168.6.99 pihole/pihole-dns-udp", "lan-pool 192.168.6.99 pihole/pihole-dns-tcp",
		"online-pool 192.168.6.128 traefik/traefik-online"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pool services (-want +got):\n%s", diff)
	}
}

// TestReportSelfContained checks that the page asks for nothing: no script, and no URL but its own
// fragments and the empty data: icon.
func TestReportSelfContained(t *testing.T) {
	html := page(t, changed(t))
	for _, bad := range []string{"<script", "<img", "<iframe", "<object", "<embed", "@import", "src=", "http:", "https:", "//"} {
		if strings.Contains(html, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, m := range regexp.MustCompile(`(href|xlink:href)="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[2], "#") && m[2] != "data:," {
			t.Errorf("the page links to %s", m[2])
		}
	}
	for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("the page's style refers to url(%s)", m[1])
		}
	}
}

// TestReportEscapesPlanText checks that text from the plan reaches the page as text, never as markup.
func TestReportEscapesPlanText(t *testing.T) {
	evil := `<script>alert("x")</script>`
	p := exampleWith(t,
		edit{"sites/home.yaml", "description: Router and DHCP Server}", "description: '" + evil + "'}"},
		edit{"sites/home.yaml", "description: Common devices, laptops, phones, etc.", "description: '" + evil + "'"},
		edit{"netops.yaml", "description: Multi-site", "description: " + evil + " Multi-site"})
	html := page(t, report.New(p))
	if strings.Contains(html, "<script") {
		t.Error("plan text reached the page as markup")
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Error("the page lacks the escaped text")
	}
}

// TestReportLargePlanCollapses checks that a plan of many sites opens only the sections with a finding.
func TestReportLargePlanCollapses(t *testing.T) {
	p := synthPlan(t, 12)
	res := &policy.Result{Findings: []policy.Finding{{Rule: "test.rule", Severity: policy.Warn, Entity: "network/s0003-iot", Message: "a test"}}}
	var open []string
	for _, s := range report.New(p, report.WithFindings(res)).Sections {
		if s.Open {
			open = append(open, s.ID)
		}
	}
	if diff := cmp.Diff([]string{"site-s0003"}, open); diff != "" {
		t.Errorf("open sections (-want +got):\n%s", diff)
	}
}

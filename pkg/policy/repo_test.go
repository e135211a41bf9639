package policy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// naming is a repo's own policy: a deny that returns objects, with data from a YAML file, and a warn
// that returns plain messages.
const naming = `package homelab.naming

# METADATA
# title: LAN DNS names
# custom:
#   id: naming.dns-suffix
deny contains f if {
	some a in input.addresses
	a.dns != ""
	not lan_name(a.dns)
	f := {"rule": rego.metadata.rule().custom.id, "entity": a.entity, "msg": sprintf("%s is not under a LAN domain", [a.dns])}
}

lan_name(name) if {
	some d in data.lanDomains
	endswith(name, concat("", [".", d]))
}

warn contains msg if {
	some s in input.services
	s.dns == ""
	msg := sprintf("service %s has no DNS name", [s.entity])
}
`

const namingTest = `package homelab.naming_test

import data.homelab.naming

test_vendor_name_denied if {
	some f in naming.deny with input as {"addresses": {"x/r": {"entity": "address/x/r", "dns": "r.vendor.com"}}}
	f.entity == "address/x/r"
}

test_lan_name_allowed if {
	count(naming.deny) == 0 with input as {"addresses": {"x/r": {"entity": "address/x/r", "dns": "r.home.lan"}}}
}
`

func repoPolicy(t *testing.T, edits ...edit) []edit {
	t.Helper()
	return append([]edit{
		{"policies/naming.rego", "", naming},
		{"policies/naming_test.rego", "", namingTest},
		{"policies/domains.yaml", "", "lanDomains: [home.lan, cabin.lan]\n"},
	}, edits...)
}

func checkRepo(t *testing.T, edits ...edit) *policy.Result {
	t.Helper()
	fsys := exampleWith(t, edits...)
	p, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.New(context.Background(), fsys, policy.WithNow(today))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Check(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const vendorName = "dns: router.home.lan"

func TestRepoPolicy(t *testing.T) {
	res := checkRepo(t, repoPolicy(t, edit{home, vendorName, "dns: router.vendor.com"})...)
	want := []finding{
		{"homelab.naming.warn", policy.Warn, "plan/homelab", "", network.Pos{File: "netops.yaml", Line: 4, Col: 1}},
		{"naming.dns-suffix", policy.Deny, "address/home/router", "", network.Pos{File: home, Line: 39, Col: 9}},
	}
	if diff := cmp.Diff(want, summarize(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if res.Findings[0].Message != "service service/pihole/pihole-dns-tcp has no DNS name" || res.Findings[1].Source != "policies/naming.rego" {
		t.Errorf("findings = %+v", res.Findings)
	}
	if !hasRule(res.Rules, "naming.dns-suffix", "LAN DNS names") {
		t.Errorf("rules lack naming.dns-suffix with its title: %+v", res.Rules)
	}
}

func hasRule(rules []policy.Rule, id, title string) bool {
	for _, r := range rules {
		if r.ID == id && r.Title == title {
			return true
		}
	}
	return false
}

func exception(expires string) edit {
	return edit{"exceptions.yaml", "", "apiVersion: netops.dev/v1alpha1\nkind: Exception\nrule: naming.dns-suffix\n" +
		"entity: address/home/router\nreason: the router keeps its vendor name\nexpires: \"" + expires + "\"\n"}
}

func TestException(t *testing.T) {
	res := checkRepo(t, repoPolicy(t, edit{home, vendorName, "dns: router.vendor.com"}, exception("2026-12-31"))...)
	if got := rules(res.Findings); !cmp.Equal(got, []string{"homelab.naming.warn"}) {
		t.Errorf("findings %v, want only the warning", got)
	}
	if len(res.Excepted) != 1 || res.Excepted[0].Entity != "address/home/router" || res.Excepted[0].Exception.Reason != "the router keeps its vendor name" {
		t.Errorf("excepted = %+v", res.Excepted)
	}
}

func TestExpiredException(t *testing.T) {
	res := checkRepo(t, repoPolicy(t, edit{home, vendorName, "dns: router.vendor.com"}, exception("2026-05-31"))...)
	want := []string{"policy.exception-expired", "homelab.naming.warn", "naming.dns-suffix"} // exceptions.yaml, netops.yaml, sites/home.yaml
	if got := rules(res.Findings); !cmp.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	if len(res.Excepted) != 0 {
		t.Errorf("an expired exception covered %+v", res.Excepted)
	}
}

func TestExceptionOnItsLastDay(t *testing.T) {
	res := checkRepo(t, repoPolicy(t, edit{home, vendorName, "dns: router.vendor.com"}, exception("2026-06-01"))...)
	if len(res.Excepted) != 1 {
		t.Errorf("an exception expiring today covered %d findings, want 1", len(res.Excepted))
	}
}

func TestUnusedException(t *testing.T) {
	res := checkRepo(t, repoPolicy(t, exception(""))...)
	if got := rules(res.Findings); !cmp.Equal(got, []string{"policy.exception-unused", "homelab.naming.warn"}) {
		t.Errorf("findings %v", got)
	}
	f := res.Findings[0]
	if f.Entity != "exception/naming.dns-suffix:address/home/router" || f.Pos.File != "exceptions.yaml" {
		t.Errorf("unused exception finding = %+v", f)
	}
}

func rules(list []policy.Finding) []string {
	var out []string
	for _, f := range list {
		out = append(out, f.Rule)
	}
	return out
}

func TestRepoPolicyTests(t *testing.T) {
	results, err := policy.RunTests(context.Background(), exampleWith(t, repoPolicy(t)...))
	if err != nil {
		t.Fatal(err)
	}
	var repo []string
	for _, r := range results {
		if !r.Passed {
			t.Errorf("%s: %s failed", r.Pos, r.Name)
		}
		if r.Pos.File == "policies/naming_test.rego" {
			repo = append(repo, r.Name)
		}
	}
	if !cmp.Equal(repo, []string{"test_vendor_name_denied", "test_lan_name_allowed"}) {
		t.Errorf("repo tests ran: %v", repo)
	}
}

func TestRepoPolicyErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		file string
		data string
		want policy.Error
	}{
		{"syntax", "policies/bad.rego", "package bad\n\ndeny contains x if {\n", policy.Error{Pos: network.Pos{File: "policies/bad.rego", Line: 4}, Msg: "unexpected eof token"}},
		{"Rego v0", "policies/old.rego", "package old\n\ndeny[msg] {\n\tmsg := \"x\"\n}\n", policy.Error{Pos: network.Pos{File: "policies/old.rego", Line: 3, Col: 1}, Msg: "`if` keyword is required before rule body"}},
		{"reserved package", "policies/mine.rego", "package netops.cidr\n\ndeny contains \"x\" if false\n",
			policy.Error{Pos: network.Pos{File: "policies/mine.rego", Line: 1, Col: 1}, Msg: "package netops.cidr is reserved for netops's built-in policies; use another package name"}},
		{"unsafe variable", "policies/unsafe.rego", "package unsafe\n\ndeny contains msg if {\n\tx == 1\n\tmsg := \"x\"\n}\n", policy.Error{Pos: network.Pos{File: "policies/unsafe.rego", Line: 4, Col: 2}}},
		{"data file", "policies/data.yaml", "- a list\n", policy.Error{Pos: network.Pos{File: "policies/data.yaml", Line: 1}, Msg: "a data file holds an object of keys and values"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.New(context.Background(), exampleWith(t, edit{c.file, "", c.data}))
			var list policy.Errors
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("err = %v, want policy.Errors", err)
			}
			got := *list[0]
			if c.want.Msg == "" {
				got.Msg = ""
			}
			if got != c.want {
				t.Errorf("first error = %+v (%v), want %+v", got, err, c.want)
			}
		})
	}
}

func TestRendered(t *testing.T) {
	const rendered = `package homelab.rendered

deny contains {"rule": "no-lb-ip", "entity": sprintf("site/%s", [site]), "msg": o.metadata.name} if {
	some site, objects in input.rendered
	some o in objects
	o.spec.loadBalancerIP
}
`
	fsys := exampleWith(t, edit{"policies/rendered.rego", "", rendered})
	p, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.New(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string][]map[string]any{"cabin": {
		{"kind": "Service", "metadata": map[string]any{"name": "dns"}, "spec": map[string]any{"loadBalancerIP": "192.168.22.53"}},
		{"kind": "Service", "metadata": map[string]any{"name": "web"}, "spec": map[string]any{}},
	}}
	res, err := e.Check(context.Background(), p, policy.WithRendered(objects))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Entity != "site/cabin" || res.Findings[0].Pos.File != cabin {
		t.Errorf("findings = %+v", res.Findings)
	}
}

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netops/netops/pkg/cli"
)

func TestCheckExample(t *testing.T) {
	run(t, "check", "--repo", example).want(t, cli.ExitOK, "0 denies, 0 warnings, 0 excepted\n", "with 32 rules")
}

func TestCheckOutputs(t *testing.T) {
	for _, c := range []struct{ format, inOut string }{
		{"json", `"format_version": "1"`},
		{"markdown", "### netops check: passed"},
		{"junit", `<testsuite name="netops check ../../examples/homelab" tests="32" failures="0" skipped="0">`},
		{"sarif", `"version": "2.1.0"`},
	} {
		t.Run(c.format, func(t *testing.T) {
			run(t, "check", "--repo", example, "-o", c.format).want(t, cli.ExitOK, c.inOut, "")
		})
	}
}

func TestCheckJSONFindings(t *testing.T) {
	dir := copyExample(t)
	replaceIn(t, dir, "sites/home.yaml", "prefix: 192.168.5.0/24", "prefix: 192.168.5.0/20")
	r := run(t, "check", "--repo", dir, "-o", "json")
	r.want(t, cli.ExitFindings, "", "")
	var doc struct {
		FormatVersion string `json:"format_version"`
		Summary       struct{ Deny int }
		Findings      []struct {
			Rule, Entity, File string
			Line               int
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	f := doc.Findings[0]
	if doc.FormatVersion != "1" || doc.Summary.Deny != 6 || f.Rule != "cidr.canonical" || f.File != "sites/home.yaml" || f.Line != 46 {
		t.Errorf("json = %+v", doc)
	}
}

func TestCheckUnknownFormat(t *testing.T) {
	run(t, "check", "--repo", example, "-o", "yaml").want(t, cli.ExitFailure, "", "unknown output format")
}

// overlappingPool is a pool that overlaps lan-pool, added among the services network's pools.
const overlappingPool = "      - {name: extra-pool, prefix: 192.168.6.64/26, role: pool, pool: {exposure: lan}}\n      - name: online-pool\n"

func TestCheckBaseNewDeny(t *testing.T) {
	dir := exampleRepo(t)
	replaceIn(t, dir, "sites/home.yaml", "      - name: online-pool\n", overlappingPool)
	commitAll(t, dir, "add a pool")
	r := run(t, "check", "--repo", dir, "--rev", "HEAD", "--base", "HEAD~1")
	r.want(t, cli.ExitFindings, "deny metallb.pool-overlap network/lan-pool: pool lan-pool (192.168.6.0/25) overlaps pool extra-pool", "")
	r.want(t, cli.ExitFindings, "[new]\n1 deny (1 new), 0 warnings, 0 excepted\n", "")
}

// TestCheckBaseOldDeny checks a change that leaves an old deny in place: the gate passes unless strict.
func TestCheckBaseOldDeny(t *testing.T) {
	dir := exampleRepo(t)
	replaceIn(t, dir, "cluster.yaml", "ipAllocRange: 10.244.0.0/16", "ipAllocRange: 10.32.0.0/12")
	commitAll(t, dir, "a Weave range of its own")
	replaceIn(t, dir, "sites/cabin.yaml", "A holiday cabin", "A small holiday cabin")
	commitAll(t, dir, "reword the cabin")

	r := run(t, "check", "--repo", dir, "--base", "HEAD~1")
	r.want(t, cli.ExitOK, "deny cluster.weave-range cluster/homelab: Weave's ipAllocRange 10.32.0.0/12 differs from the pod CIDR 10.244.0.0/16", "")
	r.want(t, cli.ExitOK, "[existing]\n1 deny, 0 warnings, 0 excepted\n", "")
	run(t, "check", "--repo", dir, "--base", "HEAD~1", "--strict").want(t, cli.ExitFindings, "[existing]", "")
	run(t, "check", "--repo", dir).want(t, cli.ExitFindings, "cluster.weave-range", "")
}

func TestCheckBaseMarkdown(t *testing.T) {
	dir := exampleRepo(t)
	replaceIn(t, dir, "sites/home.yaml", "      - name: online-pool\n", overlappingPool)
	commitAll(t, dir, "add a pool")
	r := run(t, "check", "--repo", dir, "--base", "HEAD~1", "-o", "markdown")
	r.want(t, cli.ExitFindings, "| New in this change | 1 | 0 |", "")
	r.want(t, cli.ExitFindings, "| **deny** (new) | `metallb.pool-overlap` | `network/lan-pool` | `sites/home.yaml:62:9` |", "")
}

func TestCheckBaseMissing(t *testing.T) {
	dir := exampleRepo(t)
	run(t, "check", "--repo", dir, "--base", "no-such-branch").want(t, cli.ExitFailure, "", `revision "no-such-branch" not found`)
}

// naming is a repo policy that wants every address's DNS name under a LAN domain from a data file.
const naming = `package homelab.naming

deny contains {"rule": "naming.dns-suffix", "entity": a.entity, "msg": sprintf("%s is not under a LAN domain", [a.dns])} if {
	some a in input.addresses
	a.dns != ""
	not lan_name(a.dns)
}

lan_name(name) if {
	some d in data.lanDomains
	endswith(name, concat("", [".", d]))
}
`

func TestCheckUserPolicyAndException(t *testing.T) {
	dir := copyExample(t)
	writeFile(t, dir, "policies/naming.rego", naming)
	writeFile(t, dir, "policies/domains.yaml", "lanDomains: [home.lan, cabin.lan]\n")
	run(t, "check", "--repo", dir).want(t, cli.ExitOK, "0 denies", "")

	replaceIn(t, dir, "sites/home.yaml", "dns: router.home.lan", "dns: router.vendor.com")
	run(t, "check", "--repo", dir).want(t, cli.ExitFindings,
		"sites/home.yaml:39:9: deny naming.dns-suffix address/home/router: router.vendor.com is not under a LAN domain\n", "")

	writeFile(t, dir, "exceptions.yaml", "apiVersion: netops.dev/v1alpha1\nkind: Exception\nrule: naming.dns-suffix\n"+
		"entity: address/home/router\nreason: the router keeps its vendor name\nexpires: \"2999-12-31\"\n")
	run(t, "check", "--repo", dir).want(t, cli.ExitOK,
		"excepted naming.dns-suffix address/home/router: the router keeps its vendor name (until 2999-12-31)\n0 denies, 0 warnings, 1 excepted\n", "")

	replaceIn(t, dir, "exceptions.yaml", "2999-12-31", "2020-01-31")
	run(t, "check", "--repo", dir).want(t, cli.ExitFindings, "warn policy.exception-expired exception/naming.dns-suffix:address/home/router", "")
}

func TestCheckPolicyError(t *testing.T) {
	dir := copyExample(t)
	writeFile(t, dir, "policies/bad.rego", "package bad\n\ndeny contains x if {\n")
	run(t, "check", "--repo", dir).want(t, cli.ExitFailure, "", "policies/bad.rego:4: unexpected eof token")
}

func TestCheckPlanError(t *testing.T) {
	dir := copyExample(t)
	replaceIn(t, dir, "services.yaml", "pool: lan-pool\nip: 192.168.6.60", "pool: no-pool\nip: 192.168.6.60")
	run(t, "check", "--repo", dir).want(t, cli.ExitFailure, "", `unknown pool "no-pool"`)
}

func TestPolicyTest(t *testing.T) {
	run(t, "policy", "test").want(t, cli.ExitOK, "of 68 policy tests passed\n", "")
	run(t, "policy", "test", "-v").want(t, cli.ExitOK, "PASS builtin/cidr_test.rego:", "")
}

func TestPolicyTestRepo(t *testing.T) {
	dir := copyExample(t)
	writeFile(t, dir, "policies/naming.rego", naming)
	writeFile(t, dir, "policies/domains.yaml", "lanDomains: [home.lan]\n")
	writeFile(t, dir, "policies/naming_test.rego", `package homelab.naming_test

import data.homelab.naming

test_lan_name if naming.lan_name("router.home.lan")

test_cabin_name if naming.lan_name("router.cabin.lan")
`)
	r := run(t, "policy", "test", "--repo", dir)
	r.want(t, cli.ExitFailure, "FAIL policies/naming_test.rego:7:1: homelab.naming_test.test_cabin_name\n", "")
	r.want(t, cli.ExitFailure, "69 of 70 policy tests passed\n", "")
}

func copyExample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(example)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// replaceIn replaces old, which must be there once, with new in a file of dir.
func replaceIn(t *testing.T, dir, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), old) != 1 {
		t.Fatalf("%s does not hold %q once", name, old)
	}
	writeFile(t, dir, name, strings.Replace(string(b), old, new, 1))
}

// TestCheckBaseIsTheMergeBase: a deny that main fixed after the change branched off is not the
// change's own, so check --base main passes the change as plan and report judge it.
func TestCheckBaseIsTheMergeBase(t *testing.T) {
	dir := exampleRepo(t)
	replaceIn(t, dir, "cluster.yaml", "ipAllocRange: 10.244.0.0/16", "ipAllocRange: 10.32.0.0/12")
	commitAll(t, dir, "a Weave range of its own")
	git(t, dir, "checkout", "-q", "-b", "change")
	replaceIn(t, dir, "sites/cabin.yaml", "A holiday cabin", "A small holiday cabin")
	commitAll(t, dir, "reword the cabin")
	git(t, dir, "checkout", "-q", "main")
	replaceIn(t, dir, "cluster.yaml", "ipAllocRange: 10.32.0.0/12", "ipAllocRange: 10.244.0.0/16")
	commitAll(t, dir, "fix the Weave range")

	r := run(t, "check", "--repo", dir, "--rev", "change", "--base", "main")
	r.want(t, cli.ExitOK, "deny cluster.weave-range cluster/homelab", "")
	r.want(t, cli.ExitOK, "[existing]\n1 deny, 0 warnings, 0 excepted\n", "")
}

// lanOnly is a repo policy over the rendered objects: the media namespace's Services stay off the
// online pool's addresses.
const lanOnly = `package homelab.media

# METADATA
# title: Media stays on the LAN
# custom:
#   id: rendered.media-lan
deny contains {"rule": "rendered.media-lan", "entity": sprintf("service/%s/%s", [o.metadata.namespace, o.metadata.name]), "msg": sprintf("%s renders for %s as a %s Service", [o.metadata.name, target, o.spec.type])} if {
	some target, objects in input.rendered
	some o in objects
	o.kind == "Service"
	o.metadata.namespace == "media"
	o.spec.type == "LoadBalancer"
}
`

// TestCheckRepoPolicyReadsRendered: a repo policy that reads input.rendered gets the render's objects.
func TestCheckRepoPolicyReadsRendered(t *testing.T) {
	dir := copyExample(t)
	writeFile(t, dir, "policies/rendered.rego", lanOnly)
	writeFile(t, dir, "policies/readme.rego", readmeRule(t))
	r := run(t, "check", "--repo", dir)
	r.want(t, cli.ExitFindings, "deny rendered.media-lan service/media/plex: plex renders for home as a LoadBalancer Service\n", "")
	r.want(t, cli.ExitFindings, "", " rules: 1 deny, 0 warnings") // the README's rendered.fixed-ip holds for the homelab
}

// readmeRule is the rule over rendered objects that policies/README.md shows.
func readmeRule(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../policies/README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(b), "### Rules over the rendered objects")
	_, rest, _ = strings.Cut(rest, "```rego\n")
	rule, _, ok := strings.Cut(rest, "```")
	if !ok || !strings.Contains(rule, "rendered.fixed-ip") {
		t.Fatal("policies/README.md shows no rego rule over input.rendered")
	}
	return rule
}

package cli_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type changesOut struct {
	Sites    []string `json:"sites"`
	AllSites bool     `json:"all_sites"`
	Entities []struct {
		Kind, Name, Action string
	} `json:"entities"`
}

func changesJSON(t *testing.T, dir, base, head string) changesOut {
	t.Helper()
	r := run(t, "changes", "--repo", dir, "--base", base, "--head", head, "-o", "json")
	r.want(t, 0, `"format_version"`, "")
	var got changesOut
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	return got
}

func TestChangesOneSite(t *testing.T) {
	dir := exampleRepo(t)
	base := git(t, dir, "rev-parse", "HEAD")
	appendFile(t, dir, "sites/cabin.yaml", "  - {name: cabin-iot, prefix: 192.168.21.0/24, role: iot, tenant: home}\n")
	head := commitAll(t, dir, "cabin: add an IoT network")
	got := changesJSON(t, dir, base, head)
	if diff := cmp.Diff([]string{"cabin"}, got.Sites); diff != "" || got.AllSites {
		t.Errorf("sites (-want +got):\n%s all=%v", diff, got.AllSites)
	}
}

func TestChangesSharedFile(t *testing.T) {
	dir := exampleRepo(t)
	base := git(t, dir, "rev-parse", "HEAD")
	appendFile(t, dir, "tenants.yaml", "---\napiVersion: netops.dev/v1alpha1\nkind: Tenant\nname: lodgers\n")
	head := commitAll(t, dir, "add lodgers")
	got := changesJSON(t, dir, base, head)
	if diff := cmp.Diff([]string{"cabin", "home"}, got.Sites); diff != "" || !got.AllSites {
		t.Errorf("sites (-want +got):\n%s all=%v", diff, got.AllSites)
	}
	if len(got.Entities) != 1 || got.Entities[0].Name != "lodgers" || got.Entities[0].Action != "added" {
		t.Errorf("entities = %+v, want tenant lodgers added", got.Entities)
	}
}

func TestChangesServiceMapsToItsPoolsSite(t *testing.T) {
	dir := exampleRepo(t)
	base := git(t, dir, "rev-parse", "HEAD")
	git(t, dir, "mv", "services.yaml", "apps.yaml")
	appendFile(t, dir, "apps.yaml", "---\napiVersion: netops.dev/v1alpha1\nkind: Service\nname: cabin-web\nnamespace: guests\ntenant: guests\npool: cabin-pool\nip: 192.168.22.80\nports: [{port: 80}]\n")
	head := commitAll(t, dir, "rename services, add a cabin service")
	got := changesJSON(t, dir, base, head)
	if diff := cmp.Diff([]string{"cabin"}, got.Sites); diff != "" {
		t.Errorf("a moved file whose entities are unchanged affects nothing; sites (-want +got):\n%s", diff)
	}
}

func TestChangesCommentOnly(t *testing.T) {
	dir := exampleRepo(t)
	base := git(t, dir, "rev-parse", "HEAD")
	appendFile(t, dir, "tenants.yaml", "# a comment\n")
	head := commitAll(t, dir, "comment")
	if got := changesJSON(t, dir, base, head); len(got.Sites) != 0 {
		t.Errorf("a comment affects no site; got %v", got.Sites)
	}
}

func TestChangesText(t *testing.T) {
	dir := exampleRepo(t)
	base := git(t, dir, "rev-parse", "HEAD")
	appendFile(t, dir, "sites/cabin.yaml", "  - {name: cabin-iot, prefix: 192.168.21.0/24, role: iot, tenant: home}\n")
	head := commitAll(t, dir, "cabin")
	run(t, "changes", "--repo", dir, "--base", base, "--head", head).want(t, 0, "modified site/cabin (sites/cabin.yaml:4:1)\naffected sites: cabin\n", "")
}

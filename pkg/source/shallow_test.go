package source_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/source"
)

// upstream makes a repository with four commits on main and a feature branch
// from the second, and returns it with the SHAs of main's commits, oldest first.
func upstream(t *testing.T) (string, []string) {
	t.Helper()
	dir := cliRepo(t)
	var shas []string
	shas = append(shas, commit(t, dir, "one", map[string]string{"sites/ams.yaml": yaml("ams")}))
	shas = append(shas, commit(t, dir, "two", map[string]string{"sites/fra.yaml": yaml("fra")}))
	gitRun(t, dir, "branch", "feature")
	shas = append(shas, commit(t, dir, "three", map[string]string{"sites/lon.yaml": yaml("lon")}))
	shas = append(shas, commit(t, dir, "four", map[string]string{"sites/ams.yaml": yaml("ams") + "x: 1\n"}))
	gitRun(t, dir, "checkout", "-q", "feature")
	commit(t, dir, "feature", map[string]string{"sites/par.yaml": yaml("par")})
	gitRun(t, dir, "checkout", "-q", "main")
	return dir, shas
}

// shallowClone clones the upstream at depth 1, as CI does.
func shallowClone(t *testing.T, upstream string, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "clone")
	args = append([]string{"clone", "-q", "--depth", "1"}, args...)
	gitRun(t, t.TempDir(), append(args, "file://"+upstream, dir)...)
	if got := gitRun(t, dir, "rev-parse", "--is-shallow-repository"); got != "true" {
		t.Fatalf("git clone --depth 1 made a clone that is not shallow")
	}
	return dir
}

func TestDiffShallowCloneFetchesBase(t *testing.T) {
	up, shas := upstream(t)
	dir := shallowClone(t, up)
	repo := open(t, dir)

	got, err := repo.Diff(context.Background(), shas[0], "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	want := []source.FileChange{
		{Path: "sites/ams.yaml", Action: source.Modified},
		{Path: "sites/fra.yaml", Action: source.Added},
		{Path: "sites/lon.yaml", Action: source.Added},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	// The fetch left a repository that git itself reads as whole.
	if got := gitRun(t, dir, "rev-parse", "--is-shallow-repository"); got != "false" {
		t.Errorf("clone is still shallow after fetching its history")
	}
	if got := gitRun(t, dir, "rev-list", "--count", "HEAD"); got != "4" {
		t.Errorf("git rev-list --count HEAD = %s, want 4", got)
	}
	gitRun(t, dir, "fsck", "--no-progress")
}

// TestDiffShallowCloneFetchesHistory has both revisions in the clone but not the
// history between them, so the merge base is what is missing.
func TestDiffShallowCloneFetchesHistory(t *testing.T) {
	up, _ := upstream(t)
	dir := shallowClone(t, up, "--no-single-branch")
	repo := open(t, dir)

	got, err := repo.Diff(context.Background(), "origin/main", "origin/feature")
	if err != nil {
		t.Fatal(err)
	}
	want := []source.FileChange{{Path: "sites/par.yaml", Action: source.Added}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
}

func TestDiffShallowCloneWithoutOrigin(t *testing.T) {
	up, shas := upstream(t)
	tests := []struct {
		name       string
		clone      []string
		base, head string
		fetch      string // what the error says to fetch
	}{
		{name: "base missing", base: shas[0], head: "HEAD", fetch: shas[0]},
		{name: "history missing", clone: []string{"--no-single-branch"}, base: "origin/main", head: "origin/feature", fetch: "main"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := shallowClone(t, up, tt.clone...)
			gitRun(t, dir, "remote", "remove", "origin")
			if tt.clone != nil {
				// Keep the remote branches that removing the remote deleted.
				gitRun(t, dir, "fetch", "-q", "--depth", "1", "file://"+up, "+refs/heads/*:refs/remotes/origin/*")
			}
			repo := open(t, dir)

			_, err := repo.Diff(context.Background(), tt.base, tt.head)
			var missing *source.MissingRevisionError
			if !asMissing(err, &missing) {
				t.Fatalf("error = %v, want a *source.MissingRevisionError", err)
			}
			if missing.Rev != tt.base || !missing.Shallow {
				t.Errorf("error = %+v, want Rev %s in a shallow clone", missing, tt.base)
			}
			for _, want := range []string{tt.base, "shallow", "git fetch --unshallow", "git fetch origin " + tt.fetch, "depth 0", `no remote "origin"`} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

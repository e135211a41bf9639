package source_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/source"
)

func TestDiffActions(t *testing.T) {
	dir := cliRepo(t)
	base := commit(t, dir, "base", map[string]string{
		"sites/ams.yaml": yaml("ams"),
		"sites/fra.yaml": yaml("fra"),
		"sites/lon.yaml": yaml("lon"),
	})
	gitRun(t, dir, "mv", "sites/lon.yaml", "sites/london.yaml")
	commit(t, dir, "head", map[string]string{
		"sites/ams.yaml": yaml("ams") + "extra: true\n",
		"sites/fra.yaml": "",
		"sites/par.yaml": yaml("par"),
	})
	repo := open(t, dir)

	got, err := repo.Diff(context.Background(), base, "main")
	if err != nil {
		t.Fatal(err)
	}
	want := []source.FileChange{
		{Path: "sites/ams.yaml", Action: source.Modified},
		{Path: "sites/fra.yaml", Action: source.Deleted},
		{Path: "sites/london.yaml", OldPath: "sites/lon.yaml", Action: source.Renamed},
		{Path: "sites/par.yaml", Action: source.Added},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
}

func TestDiffMergeCommit(t *testing.T) {
	dir := cliRepo(t)
	base := commit(t, dir, "base", map[string]string{"sites/ams.yaml": yaml("ams")})
	gitRun(t, dir, "checkout", "-q", "-b", "feature")
	commit(t, dir, "feature", map[string]string{"sites/fra.yaml": yaml("fra")})
	gitRun(t, dir, "checkout", "-q", "main")
	commit(t, dir, "main", map[string]string{"sites/lon.yaml": yaml("lon")})
	gitRun(t, dir, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
	repo := open(t, dir)

	tests := []struct {
		base string
		want []source.FileChange
	}{
		{base: base, want: []source.FileChange{
			{Path: "sites/fra.yaml", Action: source.Added},
			{Path: "sites/lon.yaml", Action: source.Added},
		}},
		{base: "HEAD^1", want: []source.FileChange{{Path: "sites/fra.yaml", Action: source.Added}}},
		{base: "feature", want: []source.FileChange{{Path: "sites/lon.yaml", Action: source.Added}}},
	}
	for _, tt := range tests {
		got, err := repo.Diff(context.Background(), tt.base, "main")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Diff(%s, main) (-want +got):\n%s", tt.base, diff)
		}
	}
}

// TestDiffFromMergeBase checks that, as with git diff base...head, changes made on
// base after head branched off are not reported.
func TestDiffFromMergeBase(t *testing.T) {
	dir := cliRepo(t)
	commit(t, dir, "base", map[string]string{"sites/ams.yaml": yaml("ams")})
	gitRun(t, dir, "checkout", "-q", "-b", "feature")
	commit(t, dir, "feature", map[string]string{"sites/fra.yaml": yaml("fra")})
	gitRun(t, dir, "checkout", "-q", "main")
	commit(t, dir, "main moves on", map[string]string{"sites/lon.yaml": yaml("lon"), "sites/ams.yaml": ""})
	repo := open(t, dir)

	got, err := repo.Diff(context.Background(), "main", "feature")
	if err != nil {
		t.Fatal(err)
	}
	want := []source.FileChange{{Path: "sites/fra.yaml", Action: source.Added}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff(main, feature) (-want +got):\n%s", diff)
	}
	got, err = repo.Diff(context.Background(), "feature", "main")
	if err != nil {
		t.Fatal(err)
	}
	want = []source.FileChange{
		{Path: "sites/ams.yaml", Action: source.Deleted},
		{Path: "sites/lon.yaml", Action: source.Added},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff(feature, main) (-want +got):\n%s", diff)
	}
}

func TestDiffUnrelatedHistories(t *testing.T) {
	dir := cliRepo(t)
	commit(t, dir, "main", map[string]string{"a.yaml": "a\n"})
	gitRun(t, dir, "checkout", "-q", "--orphan", "other")
	commit(t, dir, "other", map[string]string{"b.yaml": "b\n"})
	repo := open(t, dir)
	_, err := repo.Diff(context.Background(), "main", "other")
	if err == nil || !strings.Contains(err.Error(), "share no history") {
		t.Errorf("Diff of unrelated branches: error = %v, want one saying they share no history", err)
	}
}

func TestDiffNeedsRevisions(t *testing.T) {
	dir := cliRepo(t)
	commit(t, dir, "base", map[string]string{"a.yaml": "a\n"})
	repo := open(t, dir)
	if _, err := repo.Diff(context.Background(), "main", ""); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Diff(main, \"\") error = %v, want one naming %s", err, dir)
	}
	_, err := repo.Diff(context.Background(), "nope", "main")
	var missing *source.MissingRevisionError
	if !asMissing(err, &missing) || missing.Rev != "nope" {
		t.Errorf("Diff(nope, main) error = %v, want a *MissingRevisionError for nope", err)
	}
}

// TestDiffGoGitRepo reads a repository made by go-git rather than the git CLI.
func TestDiffGoGitRepo(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	base := goGitCommit(t, repo, dir, "base", map[string]string{"sites/ams.yaml": yaml("ams"), "sites/fra.yaml": yaml("fra")}, nil)
	goGitCommit(t, repo, dir, "head", map[string]string{"sites/ams.yaml": "changed\n", "devices/r1.yaml": "r1\n"}, nil)

	src := open(t, dir)
	got, err := src.Diff(context.Background(), base.String(), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	want := []source.FileChange{
		{Path: "devices/r1.yaml", Action: source.Added},
		{Path: "sites/ams.yaml", Action: source.Modified},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	if got := readAt(t, src, base.String(), "sites/fra.yaml"); got != yaml("fra") {
		t.Errorf("sites/fra.yaml at base = %q", got)
	}
}

// goGitCommit writes files and commits them with go-git, signed when opts has a SignKey.
func goGitCommit(t *testing.T, repo *git.Repository, dir, msg string, files map[string]string, opts *git.CommitOptions) plumbing.Hash {
	t.Helper()
	tree, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
		if _, err := tree.Add(name); err != nil {
			t.Fatal(err)
		}
	}
	if opts == nil {
		opts = &git.CommitOptions{}
	}
	opts.Author = &object.Signature{Name: "Net Ops", Email: "netops@example.com", When: time.Now()}
	opts.AllowEmptyCommits = true
	hash, err := tree.Commit(msg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

// TestConcurrentUse reads and diffs from many goroutines; run it with -race.
func TestConcurrentUse(t *testing.T) {
	up, shas := upstream(t)
	repo := open(t, "file://"+up)
	fsys, _, err := repo.FS(context.Background(), "main")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := repo.Diff(context.Background(), shas[0], "feature"); err != nil {
				t.Error(err)
			}
			if _, err := fs.ReadFile(fsys, "sites/lon.yaml"); err != nil {
				t.Error(err)
			}
			if _, err := fs.ReadDir(fsys, "sites"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

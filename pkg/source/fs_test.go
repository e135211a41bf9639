package source_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netops/netops/pkg/source"
)

func TestFSReadsRevisionsWithoutCheckout(t *testing.T) {
	dir := cliRepo(t)
	first := commit(t, dir, "first plan", map[string]string{"sites/ams.yaml": "v1\n"})
	gitRun(t, dir, "tag", "-a", "-m", "release one", "v1")
	gitRun(t, dir, "checkout", "-q", "-b", "feature")
	feature := commit(t, dir, "feature plan", map[string]string{"sites/ams.yaml": "feature\n"})
	gitRun(t, dir, "checkout", "-q", "main")
	second := commit(t, dir, "second plan\n\nwith a body", map[string]string{"sites/ams.yaml": "v2\n"})
	writeFile(t, filepath.Join(dir, "sites/ams.yaml"), "dirty\n")
	status := gitRun(t, dir, "status", "--porcelain")
	repo := open(t, dir)

	tests := []struct {
		rev, want, hash, subject string
	}{
		{rev: "", want: "dirty\n"},
		{rev: "HEAD", want: "v2\n", hash: second, subject: "second plan"},
		{rev: "main", want: "v2\n", hash: second, subject: "second plan"},
		{rev: first, want: "v1\n", hash: first, subject: "first plan"},
		{rev: first[:7], want: "v1\n", hash: first, subject: "first plan"},
		{rev: "v1", want: "v1\n", hash: first, subject: "first plan"},
		{rev: "feature", want: "feature\n", hash: feature, subject: "feature plan"},
		{rev: "main~1", want: "v1\n", hash: first, subject: "first plan"},
	}
	for _, tt := range tests {
		t.Run(tt.rev, func(t *testing.T) {
			fsys, rev, err := repo.FS(context.Background(), tt.rev)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fs.ReadFile(fsys, "sites/ams.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("sites/ams.yaml = %q, want %q", got, tt.want)
			}
			want := source.Revision{Ref: tt.rev, Hash: tt.hash, Subject: tt.subject}
			if diff := cmp.Diff(want, rev, cmpopts.IgnoreFields(source.Revision{}, "Time")); diff != "" {
				t.Errorf("Revision (-want +got):\n%s", diff)
			}
			if tt.hash != "" && rev.Time.IsZero() {
				t.Error("Revision.Time is zero")
			}
		})
	}
	if got := readFile(t, filepath.Join(dir, "sites/ams.yaml")); got != "dirty\n" {
		t.Errorf("working tree file = %q after reading revisions, want it untouched", got)
	}
	if got := gitRun(t, dir, "status", "--porcelain"); got != status {
		t.Errorf("git status = %q, want %q", got, status)
	}
	if got := gitRun(t, dir, "branch", "--show-current"); got != "main" {
		t.Errorf("checked out branch = %q, want main", got)
	}
}

func TestFSUnknownRevision(t *testing.T) {
	dir := cliRepo(t)
	commit(t, dir, "first", map[string]string{"a.yaml": "a\n"})
	repo := open(t, dir)
	_, _, err := repo.FS(context.Background(), "mian")
	var missing *source.MissingRevisionError
	if !asMissing(err, &missing) {
		t.Fatalf("error = %v, want a *source.MissingRevisionError", err)
	}
	if missing.Rev != "mian" || missing.Shallow {
		t.Errorf("error = %+v, want Rev mian, not shallow", missing)
	}
	for _, want := range []string{`"mian"`, dir, "give a branch, tag or commit SHA"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestFSPlainFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "sites/ams.yaml"), "ams\n")
	repo := open(t, dir)

	if got := readAt(t, repo, "", "sites/ams.yaml"); got != "ams\n" {
		t.Errorf("sites/ams.yaml = %q, want %q", got, "ams\n")
	}
	_, rev, _ := repo.FS(context.Background(), "")
	if rev != (source.Revision{}) {
		t.Errorf("Revision = %+v, want zero for a plain folder", rev)
	}
	_, _, err := repo.FS(context.Background(), "main")
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("FS(main) error = %v, want one saying %s is not a git repository", err, dir)
	}
	if _, err := repo.Diff(context.Background(), "main", "HEAD"); err == nil {
		t.Error("Diff in a plain folder succeeded, want an error")
	}
}

func TestOpenMissingFolder(t *testing.T) {
	location := filepath.Join(t.TempDir(), "nope")
	_, err := source.Open(context.Background(), location)
	if err == nil || !strings.Contains(err.Error(), location) {
		t.Errorf("Open error = %v, want one naming %s", err, location)
	}
}

// TestFSIsAFileSystem runs the standard library's checks on the tree of a
// commit and on the working tree.
func TestFSIsAFileSystem(t *testing.T) {
	dir := cliRepo(t)
	commit(t, dir, "plan", map[string]string{
		"sites/ams.yaml":    "ams\n",
		"sites/fra.yaml":    "fra\n",
		"devices/r1.yaml":   "r1\n",
		"devices/r1-b.yaml": "r1-b\n", // sorts before r1.yaml by name, after it in git's tree order
		"README.md":         "# network\n",
	})
	repo := open(t, dir)
	want := []string{"README.md", "devices/r1-b.yaml", "devices/r1.yaml", "sites/ams.yaml", "sites/fra.yaml"}
	for _, rev := range []string{"HEAD", ""} {
		fsys, _, err := repo.FS(context.Background(), rev)
		if err != nil {
			t.Fatal(err)
		}
		if err := fstest.TestFS(fsys, want...); err != nil {
			t.Errorf("FS(%q): %v", rev, err)
		}
		if _, err := fs.Stat(fsys, ".git"); err == nil {
			t.Errorf("FS(%q) shows .git", rev)
		}
	}
}

func TestFSModes(t *testing.T) {
	dir := cliRepo(t)
	writeFile(t, filepath.Join(dir, "scripts/check.sh"), "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(dir, "scripts/check.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, "plan", map[string]string{"sites/ams.yaml": "ams\n"})
	repo := open(t, dir)
	fsys, _, err := repo.FS(context.Background(), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]fs.FileMode{
		"sites":            fs.ModeDir | 0o755,
		"sites/ams.yaml":   0o644,
		"scripts/check.sh": 0o755,
	} {
		info, err := fs.Stat(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != want {
			t.Errorf("mode of %s = %v, want %v", name, info.Mode(), want)
		}
	}
}

func TestFSSymlinks(t *testing.T) {
	top := t.TempDir()
	writeFile(t, filepath.Join(top, "outside.yaml"), "secret\n")
	dir := filepath.Join(top, "network")
	gitRun(t, top, "init", "-q", "-b", "main", dir)
	writeFile(t, filepath.Join(dir, "sites/ams.yaml"), "ams\n")
	links := map[string]string{
		"sites/current.yaml": "ams.yaml",
		"shared":             "sites",
		"deep/up.yaml":       "../sites/ams.yaml",
		"escape.yaml":        "../outside.yaml",
		"deep/escape.yaml":   "../../outside.yaml",
		"absolute.yaml":      filepath.Join(top, "outside.yaml"),
	}
	for name, target := range links {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	commit(t, dir, "links", nil)
	repo := open(t, dir)

	for _, rev := range []string{"HEAD", ""} {
		t.Run("rev="+rev, func(t *testing.T) {
			fsys, _, err := repo.FS(context.Background(), rev)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"sites/current.yaml", "shared/ams.yaml", "shared/current.yaml", "deep/up.yaml"} {
				if got, err := fs.ReadFile(fsys, name); err != nil || string(got) != "ams\n" {
					t.Errorf("ReadFile(%s) = %q, %v; want the file it links to", name, got, err)
				}
			}
			for _, name := range []string{"escape.yaml", "deep/escape.yaml", "absolute.yaml"} {
				_, err := fs.ReadFile(fsys, name)
				link := asSymlinkError(t, err)
				if link.Path != name || link.Target != links[name] {
					t.Errorf("SymlinkError = %+v, want Path %s, Target %s", link, name, links[name])
				}
				if !strings.Contains(err.Error(), "points outside the repository") || !strings.Contains(err.Error(), "replace the link with the file itself") {
					t.Errorf("error %q does not say what is wrong and what to do", err)
				}
				_, err = fsys.Open(name)
				asSymlinkError(t, err)
			}
			entries, err := fs.ReadDir(fsys, "sites")
			if err != nil {
				t.Fatal(err)
			}
			if entries[0].Name() != "ams.yaml" || entries[1].Name() != "current.yaml" || entries[1].Type() != fs.ModeSymlink {
				t.Errorf("ReadDir(sites) = %v, want ams.yaml and the symlink current.yaml", entries)
			}
		})
	}
}

func TestFSSkipsSubmodules(t *testing.T) {
	dir := cliRepo(t)
	first := commit(t, dir, "plan", map[string]string{"sites/ams.yaml": "ams\n"})
	writeFile(t, filepath.Join(dir, "vendor/readme.md"), "vendored\n")
	gitRun(t, dir, "add", "vendor/readme.md")
	gitRun(t, dir, "update-index", "--add", "--cacheinfo", "160000,"+first+",vendor/sub")
	gitRun(t, dir, "commit", "-q", "-m", "add a submodule")
	if got := gitRun(t, dir, "ls-tree", "HEAD", "vendor/sub"); !strings.HasPrefix(got, "160000 commit") {
		t.Fatalf("git ls-tree vendor/sub = %q, want a submodule", got)
	}
	repo := open(t, dir)
	fsys, _, err := repo.FS(context.Background(), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(fsys, "vendor")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "readme.md" {
		t.Errorf("ReadDir(vendor) = %v, want only readme.md", entries)
	}
	if _, err := fsys.Open("vendor/sub"); err == nil {
		t.Error("Open(vendor/sub) of a submodule succeeded, want fs.ErrNotExist")
	}
	changes, err := repo.Diff(context.Background(), first, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	want := []source.FileChange{{Path: "vendor/readme.md", Action: source.Added}}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
}

func TestFSPackedRefs(t *testing.T) {
	dir := cliRepo(t)
	first := commit(t, dir, "first", map[string]string{"sites/ams.yaml": "v1\n"})
	gitRun(t, dir, "tag", "v1")
	gitRun(t, dir, "tag", "-a", "-m", "annotated", "v1-annotated")
	gitRun(t, dir, "branch", "old")
	commit(t, dir, "second", map[string]string{"sites/ams.yaml": "v2\n"})
	gitRun(t, dir, "pack-refs", "--all")
	if _, err := os.Stat(filepath.Join(dir, ".git/refs/tags/v1")); !os.IsNotExist(err) {
		t.Fatalf("refs/tags/v1 is still a loose ref after git pack-refs: %v", err)
	}
	repo := open(t, dir)
	for _, rev := range []string{"v1", "v1-annotated", "old", "refs/heads/old", "tags/v1"} {
		fsys, got, err := repo.FS(context.Background(), rev)
		if err != nil {
			t.Fatalf("FS(%q): %v", rev, err)
		}
		if got.Hash != first {
			t.Errorf("FS(%q) Hash = %s, want %s", rev, got.Hash, first)
		}
		if data, _ := fs.ReadFile(fsys, "sites/ams.yaml"); string(data) != "v1\n" {
			t.Errorf("FS(%q) sites/ams.yaml = %q, want v1", rev, data)
		}
	}
	if got := readAt(t, repo, "main", "sites/ams.yaml"); got != "v2\n" {
		t.Errorf("main sites/ams.yaml = %q, want v2", got)
	}
}

// TestSubfolder opens a folder below the top of a work tree: its files on disk, the same folder at
// a revision, and the changes inside it with paths relative to it.
func TestSubfolder(t *testing.T) {
	dir := cliRepo(t)
	first := commit(t, dir, "first", map[string]string{"README.md": "top\n", "other/x.yaml": yaml("x")})
	base := commit(t, dir, "base", map[string]string{
		"net/sites/ams.yaml": yaml("ams"), "net/sites/fra.yaml": yaml("fra"), "other/y.yaml": yaml("y"),
	})
	gitRun(t, dir, "mv", "net/sites/fra.yaml", "net/sites/frankfurt.yaml")
	gitRun(t, dir, "mv", "other/x.yaml", "net/x.yaml")
	gitRun(t, dir, "mv", "net/sites/ams.yaml", "other/ams.yaml")
	commit(t, dir, "head", map[string]string{"net/sites/par.yaml": yaml("par"), "other/y.yaml": yaml("y") + "z: 1\n"})
	writeFile(t, filepath.Join(dir, "net/draft.yaml"), "draft\n")

	repo := open(t, filepath.Join(dir, "net"))
	if got := readAt(t, repo, "", "draft.yaml"); got != "draft\n" {
		t.Errorf("draft.yaml on disk = %q", got)
	}
	if got := readAt(t, repo, base, "sites/ams.yaml"); got != yaml("ams") {
		t.Errorf("sites/ams.yaml at base = %q", got)
	}
	fsys, _, err := repo.FS(context.Background(), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "sites/frankfurt.yaml", "sites/par.yaml", "x.yaml"); err != nil {
		t.Errorf("the folder at HEAD: %v", err)
	}
	got, err := repo.Diff(context.Background(), base, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	want := []source.FileChange{
		{Path: "sites/ams.yaml", Action: source.Deleted}, // renamed out of the folder
		{Path: "sites/frankfurt.yaml", OldPath: "sites/fra.yaml", Action: source.Renamed},
		{Path: "sites/par.yaml", Action: source.Added},
		{Path: "x.yaml", Action: source.Added}, // renamed into the folder
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff(base, HEAD) in net/ (-want +got):\n%s", diff)
	}
	// A link to the folder reads as the folder.
	link := filepath.Join(t.TempDir(), "net")
	if err := os.Symlink(filepath.Join(dir, "net"), link); err != nil {
		t.Fatal(err)
	}
	if got := readAt(t, open(t, link), base, "sites/ams.yaml"); got != yaml("ams") {
		t.Errorf("sites/ams.yaml at base through a link to net/ = %q", got)
	}

	// A link out of the folder is refused at a revision as on disk.
	if err := os.Symlink("../other/y.yaml", filepath.Join(dir, "net/y.yaml")); err != nil {
		t.Fatal(err)
	}
	commit(t, dir, "link out", nil)
	for _, rev := range []string{"", "HEAD"} {
		fsys, _, err := repo.FS(context.Background(), rev)
		if err != nil {
			t.Fatal(err)
		}
		_, err = fs.ReadFile(fsys, "y.yaml")
		asSymlinkError(t, err) // a link out of net/, at rev

	}
	_, _, err = repo.FS(context.Background(), first)
	if err == nil || !strings.Contains(err.Error(), "has no folder net; give a revision that has it") {
		t.Errorf("FS at a revision without the folder: %v; want an error naming it", err)
	}
}

package source_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netops/netops/pkg/source"
)

// gitEnv gives git a fixed identity and keeps the user's and system's config out.
var gitEnv = []string{
	"GIT_AUTHOR_NAME=Net Ops", "GIT_AUTHOR_EMAIL=netops@example.com",
	"GIT_COMMITTER_NAME=Net Ops", "GIT_COMMITTER_EMAIL=netops@example.com",
	"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
}

// gitRun runs the git CLI in dir and returns its trimmed output.
func gitRun(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// cliRepo makes an empty repository with the git CLI, on branch main.
func cliRepo(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "network")
	gitRun(t, t.TempDir(), "init", "-q", "-b", "main", dir)
	return dir
}

// commit writes files (content "" deletes), commits them all and returns the SHA.
func commit(t testing.TB, dir, msg string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		if content == "" {
			gitRun(t, dir, "rm", "-q", name)
			continue
		}
		writeFile(t, filepath.Join(dir, name), content)
	}
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return gitRun(t, dir, "rev-parse", "HEAD")
}

func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func open(t testing.TB, location string, opts ...source.Option) *source.Repo {
	t.Helper()
	repo, err := source.Open(context.Background(), location, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", location, err)
	}
	t.Cleanup(func() { repo.Close() })
	return repo
}

// readAt reads one file of the repo at rev.
func readAt(t *testing.T, repo *source.Repo, rev, name string) string {
	t.Helper()
	fsys, _, err := repo.FS(context.Background(), rev)
	if err != nil {
		t.Fatalf("FS(%q): %v", rev, err)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("ReadFile(%q) at %q: %v", name, rev, err)
	}
	return string(data)
}

// yaml makes a file body long enough for rename detection to match it.
func yaml(name string) string {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, "%s-%d: {asn: %d, role: edge}\n", name, i, 64500+i)
	}
	return b.String()
}

func asSymlinkError(t *testing.T, err error) *source.SymlinkError {
	t.Helper()
	var link *source.SymlinkError
	if !errors.As(err, &link) {
		t.Fatalf("error = %v (%T), want a *source.SymlinkError", err, err)
	}
	return link
}

func asMissing(err error, target **source.MissingRevisionError) bool {
	return errors.As(err, target)
}

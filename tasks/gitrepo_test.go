package tasks_test

import (
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo is a network repo in a real git repository, made with the git CLI.
type gitRepo struct {
	t      *testing.T
	dir    string
	served string // its URL, once url serves it
}

// homelabRepo is a git repository whose main branch has one commit: examples/homelab.
func homelabRepo(t *testing.T) *gitRepo {
	t.Helper()
	g := &gitRepo{t: t, dir: filepath.Join(t.TempDir(), "homelab")}
	if err := os.CopyFS(g.dir, os.DirFS("../examples/homelab")); err != nil {
		t.Fatal(err)
	}
	g.git("init", "-q", "-b", "main")
	g.git("add", "-A")
	g.git("commit", "-q", "-m", "homelab")
	return g
}

// git runs git in the repository and returns its trimmed output.
func (g *gitRepo) git(args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=netops test", "GIT_AUTHOR_EMAIL=test@netops.dev", "GIT_AUTHOR_DATE=2026-01-02T03:04:05Z",
		"GIT_COMMITTER_NAME=netops test", "GIT_COMMITTER_EMAIL=test@netops.dev", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// head is the commit a revision names.
func (g *gitRepo) head(rev string) string {
	g.t.Helper()
	return g.git("rev-parse", rev)
}

// change makes a branch from main with one commit that edits a file, like a pull request,
// and returns the commit. edit gets the file's text and returns the new one; it must change it.
func (g *gitRepo) change(branch, file, msg string, edit func(string) string) string {
	g.t.Helper()
	g.git("checkout", "-q", "-b", branch, "main")
	defer g.git("checkout", "-q", "main")
	name := filepath.Join(g.dir, file)
	data, err := os.ReadFile(name)
	if err != nil {
		g.t.Fatal(err)
	}
	text := edit(string(data))
	if text == string(data) {
		g.t.Fatalf("the edit of %s for %q changed nothing", file, msg)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		g.t.Fatal(err)
	}
	g.git("commit", "-q", "-am", msg)
	return g.head("HEAD")
}

// commit commits an edit of a file on main and returns the commit.
func (g *gitRepo) commit(file, msg string, edit func(string) string) string {
	g.t.Helper()
	g.git("checkout", "-q", "main")
	name := filepath.Join(g.dir, file)
	data, err := os.ReadFile(name)
	if err != nil {
		g.t.Fatal(err)
	}
	text := edit(string(data))
	if text == string(data) {
		g.t.Fatalf("the edit of %s for %q changed nothing", file, msg)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		g.t.Fatal(err)
	}
	g.git("commit", "-q", "-am", msg)
	return g.head("HEAD")
}

// url serves the repository over HTTP with git's own server, git http-backend, and returns
// its URL: clones and fetches then go over the network, as from a git host.
func (g *gitRepo) url() string {
	g.t.Helper()
	if g.served != "" {
		return g.served
	}
	gitBin, err := exec.LookPath("git")
	if err != nil {
		g.t.Fatal(err)
	}
	srv := httptest.NewServer(&cgi.Handler{
		Path: gitBin,
		Args: []string{"http-backend"},
		Env: []string{
			"GIT_PROJECT_ROOT=" + filepath.Dir(g.dir), "GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			// Let a client fetch a commit by its SHA, as git hosts do.
			"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=uploadpack.allowAnySHA1InWant", "GIT_CONFIG_VALUE_0=true",
		},
	})
	g.t.Cleanup(srv.Close)
	g.served = srv.URL + "/" + filepath.Base(g.dir)
	return g.served
}

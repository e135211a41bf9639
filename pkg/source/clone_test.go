package source_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/source"
)

func TestOpenFileURLClonesIntoMemory(t *testing.T) {
	up, shas := upstream(t)
	gitRun(t, up, "tag", "-a", "-m", "first release", "v1", shas[1])
	repo := open(t, "file://"+up)

	fsys, rev, err := repo.FS(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if rev.Ref != "HEAD" || rev.Hash != shas[3] || rev.Subject != "four" {
		t.Errorf("FS(\"\") Revision = %+v, want HEAD at %s", rev, shas[3])
	}
	if _, err := fsys.Open("sites/lon.yaml"); err != nil {
		t.Errorf("HEAD of the clone: %v", err)
	}
	for rev, want := range map[string]string{"feature": "sites/par.yaml", "origin/feature": "sites/par.yaml", "v1": "sites/fra.yaml"} {
		if got := readAt(t, repo, rev, want); got != yaml(strings.TrimSuffix(filepath.Base(want), ".yaml")) {
			t.Errorf("%s at %s = %q", want, rev, got)
		}
	}
	got, err := repo.Diff(context.Background(), "main", "feature")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]source.FileChange{{Path: "sites/par.yaml", Action: source.Added}}, got); diff != "" {
		t.Errorf("Diff(main, feature) (-want +got):\n%s", diff)
	}
}

func TestOpenHTTPWithToken(t *testing.T) {
	up, shas := upstream(t)
	served := t.TempDir()
	gitRun(t, served, "clone", "-q", "--bare", up, filepath.Join(served, "network.git"))
	const token = "s3cret-token"
	url := gitServer(t, served, "x-access-token", token) + "/network.git"

	repo := open(t, url, source.WithToken(token))
	if got := readAt(t, repo, "", "sites/ams.yaml"); got != yaml("ams")+"x: 1\n" {
		t.Errorf("sites/ams.yaml over http = %q", got)
	}
	if got := readAt(t, repo, shas[0], "sites/ams.yaml"); got != yaml("ams") {
		t.Errorf("sites/ams.yaml at the first commit = %q", got)
	}
	open(t, url, source.WithToken(token), source.WithUsername("x-access-token"))
	withCredentials := strings.Replace(url, "http://", "http://x-access-token:"+token+"@", 1)
	if got := readAt(t, open(t, withCredentials), "", "sites/lon.yaml"); got != yaml("lon") {
		t.Errorf("sites/lon.yaml with credentials in the URL = %q", got)
	}

	for name, opts := range map[string][]source.Option{
		"no token":    nil,
		"wrong token": {source.WithToken("wrong")},
		"wrong user":  {source.WithToken(token), source.WithUsername("someone")},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := source.Open(context.Background(), url, opts...)
			if !errors.Is(err, transport.ErrAuthenticationRequired) {
				t.Fatalf("error = %v, want transport.ErrAuthenticationRequired", err)
			}
			for _, want := range []string{url, "NETOPS_GIT_TOKEN"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

// gitServer serves the bare repositories under root over smart http with
// git http-backend, to clients that give user and password.
func gitServer(t *testing.T, root, user, password string) string {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	backend := &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Env:  append([]string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}, gitEnv...),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="netops"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestOpenErrorsHideCredentials(t *testing.T) {
	for _, location := range []string{
		"http://user:s3cret@127.0.0.1:1/network.git",
		"http://s3cret@127.0.0.1:1/network.git",
		"ftp://user:s3cret@127.0.0.1:1/network.git",
	} {
		_, err := source.Open(context.Background(), location)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1/network.git") {
			t.Errorf("Open(%s) error = %v, want one naming the URL without its secret", location, err)
		}
	}
}

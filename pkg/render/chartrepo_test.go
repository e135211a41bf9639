package render_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/repo"

	"github.com/netops/netops/manifests"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/render"
)

// testChartVersion tells the chart served by chartRepo from the built-in one in rendered labels.
const testChartVersion = "0.1.0-served"

// chartRepo serves a Helm chart repository over HTTP: index.yaml and the packaged copy of netops's
// Traefik chart, under version testChartVersion. It returns the chart's pin and a count of requests.
func chartRepo(t *testing.T) (*httptest.Server, *network.Chart, *atomic.Int64) {
	t.Helper()
	dir := t.TempDir()
	tgz := packageChart(t, "charts/traefik", dir)
	data, err := os.ReadFile(tgz)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	ch, err := loader.Load(tgz)
	if err != nil {
		t.Fatal(err)
	}
	index := repo.NewIndexFile()
	if err := index.MustAdd(ch.Metadata, filepath.Base(tgz), "", hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	if err := index.WriteFile(filepath.Join(dir, "charts", "index.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int64
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	pin := &network.Chart{Repo: srv.URL + "/charts", Name: "traefik", Version: testChartVersion, Digest: "sha256:" + hex.EncodeToString(sum[:])}
	return srv, pin, &hits
}

// packageChart packages a built-in chart under testChartVersion, as helm package does, into dir.
func packageChart(t *testing.T, name, dir string) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "chart")
	sub, err := fs.Sub(manifests.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(src, sub); err != nil {
		t.Fatal(err)
	}
	ch, err := loader.LoadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	ch.Metadata.Version = testChartVersion
	out := filepath.Join(dir, "charts")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	tgz, err := chartutil.Save(ch, out)
	if err != nil {
		t.Fatal(err)
	}
	return tgz
}

// withChart renders the example with the Traefik component pointed at a chart.
func withChart(ch *network.Chart, opts ...render.Option) (*render.Result, error) {
	p, err := loadPlan()
	if err != nil {
		return nil, err
	}
	p.Components.Traefik.Chart = ch
	return render.Render(context.Background(), p, opts...)
}

// homelabYAML is the cluster target as YAML, with the served chart's version read as the built-in one's.
func homelabYAML(t *testing.T, res *render.Result) string {
	t.Helper()
	return strings.ReplaceAll(string(yamlOf(t, target(t, res, "homelab"))), "traefik-"+testChartVersion, "traefik-0.1.0")
}

// TestChartRepository points Traefik at the chart served over HTTP: it renders with the same values,
// so the same objects, and the second render reads the chart from the cache, without the network.
func TestChartRepository(t *testing.T) {
	srv, pin, hits := chartRepo(t)
	cache := t.TempDir()
	res, err := withChart(pin, render.WithCacheDir(cache))
	if err != nil {
		t.Fatal(err)
	}
	served := string(yamlOf(t, target(t, res, "homelab")))
	if !strings.Contains(served, "helm.sh/chart: traefik-"+testChartVersion) {
		t.Fatal("the served chart was not used")
	}
	if diff := cmp.Diff(homelabYAML(t, renderExample(t)), homelabYAML(t, res)); diff != "" {
		t.Errorf("the served chart renders differently (-built-in +served):\n%s", diff)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("%d requests, want index.yaml and the chart", n)
	}
	srv.Close()
	for _, offline := range []bool{false, true} {
		again, err := withChart(pin, render.WithCacheDir(cache), render.WithOffline(offline))
		if err != nil {
			t.Fatalf("offline %v, from the cache: %v", offline, err)
		}
		if got := string(yamlOf(t, target(t, again, "homelab"))); got != served {
			t.Errorf("offline %v: the cached chart renders differently", offline)
		}
	}
}

// TestChartOffline renders offline with an empty cache: an error that names the chart, and no request.
func TestChartOffline(t *testing.T) {
	_, pin, hits := chartRepo(t)
	_, err := withChart(pin, render.WithCacheDir(t.TempDir()), render.WithOffline(true))
	var offline *render.OfflineError
	if !errors.As(err, &offline) || offline.Digest != pin.Digest {
		t.Fatalf("got %v, want an OfflineError for %s", err, pin.Digest)
	}
	var comp *render.ComponentError
	if !errors.As(err, &comp) || comp.Component != "traefik" {
		t.Errorf("got %v, want it to name the traefik component", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests offline", n)
	}
}

// TestChartDigestMismatch pins another digest: the error names both, and nothing reaches the cache.
func TestChartDigestMismatch(t *testing.T) {
	_, pin, _ := chartRepo(t)
	actual := pin.Digest
	pin.Digest = "sha256:" + strings.Repeat("ab", 32)
	cache := t.TempDir()
	_, err := withChart(pin, render.WithCacheDir(cache))
	var mismatch *render.DigestError
	if !errors.As(err, &mismatch) || mismatch.Want != pin.Digest || mismatch.Got != actual {
		t.Fatalf("got %v, want a DigestError with want %s and got %s", err, pin.Digest, actual)
	}
	for _, digest := range []string{pin.Digest, actual} {
		if !strings.Contains(err.Error(), digest) {
			t.Errorf("error %q does not name %s", err, digest)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(cache, "sha256")); len(entries) != 0 {
		t.Errorf("a chart that failed its digest check is in the cache: %v", entries)
	}
}

// TestChartNotPinned leaves out the digest: the error gives the digest to pin.
func TestChartNotPinned(t *testing.T) {
	_, pin, _ := chartRepo(t)
	actual := pin.Digest
	pin.Digest = ""
	_, err := withChart(pin)
	var mismatch *render.DigestError
	if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), "add digest: "+actual) {
		t.Fatalf("got %v, want a DigestError that says to add digest: %s", err, actual)
	}
}

// TestChartMissingVersion asks for a version the repository does not have.
func TestChartMissingVersion(t *testing.T) {
	_, pin, _ := chartRepo(t)
	pin.Version = "9.9.9"
	_, err := withChart(pin)
	if err == nil || !strings.Contains(err.Error(), "lists no traefik 9.9.9") {
		t.Fatalf("got %v, want an error that the index lists no traefik 9.9.9", err)
	}
}

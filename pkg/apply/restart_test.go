package apply_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/rest"

	"github.com/netops/netops/pkg/apply"
)

// stopper calls stop before sending the at-th server-side apply that writes an object of a target,
// so that the API server goes away in the middle of an apply.
type stopper struct {
	next http.RoundTripper
	seen atomic.Int32
	at   int32
	stop func()
}

func (s *stopper) RoundTrip(r *http.Request) (*http.Response, error) {
	write := r.Method == http.MethodPatch && r.Header.Get("Content-Type") == "application/apply-patch+yaml" &&
		!r.URL.Query().Has("dryRun") && !strings.Contains(r.URL.Path, apply.SystemNamespace)
	if write && s.seen.Add(1) == s.at {
		s.stop()
	}
	return s.next.RoundTrip(r)
}

// stoppingConfig is cfg with a stopper.
func stoppingConfig(at int32, stop func()) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return &stopper{next: rt, at: at, stop: stop} }
	return c
}

// stopAPIServer stops the API server, etcd running on, and makes sure it runs again after the test.
func stopAPIServer(t *testing.T) error {
	t.Cleanup(func() {
		if err := startAPIServer(); err != nil {
			t.Errorf("starting the API server again: %v", err)
		}
	})
	return env.ControlPlane.APIServer.Stop()
}

var apiServerUp atomic.Bool

func init() { apiServerUp.Store(true) }

// startAPIServer starts the API server if it is stopped, and waits until it is healthy.
func startAPIServer() error {
	if apiServerUp.Load() {
		return nil
	}
	if err := env.ControlPlane.APIServer.Start(); err != nil {
		return err
	}
	apiServerUp.Store(true)
	return nil
}

func stopNow(t *testing.T, stopErr *error) func() {
	return func() {
		apiServerUp.Store(false)
		*stopErr = stopAPIServer(t)
	}
}

func TestApplyRidesOutAnAPIServerRestart(t *testing.T) {
	id := newID()
	home := target(t, "home", id)
	var stopErr error
	restarted := make(chan error, 1)
	stop := func() {
		stopNow(t, &stopErr)()
		go func() {
			time.Sleep(time.Second)
			restarted <- startAPIServer()
		}()
	}
	a, log := newApplier(t, apply.Options{Prune: true, Wait: true})
	cut, cutLog := newApplierFor(t, stoppingConfig(4, stop), apply.Options{Prune: true, Wait: true})

	res, err := cut.Apply(t.Context(), home)

	if stopErr != nil {
		t.Fatalf("stopping the API server: %v", stopErr)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("starting the API server again: %v", err)
	}
	if err != nil {
		t.Fatalf("the apply did not ride out the restart: %v\n%s", err, cutLog)
	}
	if !strings.Contains(cutLog.String(), "retrying") {
		t.Errorf("the apply never retried, so the API server was not stopped in its middle:\n%s", cutLog)
	}
	if diff := cmp.Diff(all(home, apply.Created), actions(res)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all(home, apply.Unchanged), actions(mustApply(t, a, home))); diff != "" {
		t.Errorf("the rerun's entries (-want +got):\n%s\n%s", diff, log)
	}
	if diff := cmp.Diff(names(home), live(t, id, home.Name)); diff != "" {
		t.Errorf("home in the cluster (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(names(home), inventory(t, home.Name)); diff != "" {
		t.Errorf("home's inventory (-want +got):\n%s", diff)
	}
}

// TestRerunConvergesAfterAnApplyCutShort stops the API server in the middle of an apply that adds
// and changes objects, and keeps it down until the apply gives up. A rerun of the previous render then
// leaves no orphan of the cut apply, and a rerun of the new render misses nothing.
func TestRerunConvergesAfterAnApplyCutShort(t *testing.T) {
	id := newID()
	ns := "home-" + id
	v1 := target(t, "home", id)
	v2 := without(v1, "ConfigMap/"+ns+"/a", "ConfigMap/"+ns+"/c")
	v2.Objects = append(v2.Objects, configMap(ns, "a", "changed"), configMap(ns, "d", "4"), configMap(ns, "e", "5"))
	var stopErr error
	cut, log := newApplierFor(t, stoppingConfig(3, stopNow(t, &stopErr)), apply.Options{Prune: true})
	// Apply v1 with the stopper's count not yet started: v1 writes its objects in a first apply only.
	first, _ := newApplier(t, apply.Options{Prune: true})
	mustApply(t, first, v1)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	_, err := cut.Apply(ctx, v2)
	cancel()

	if stopErr != nil {
		t.Fatalf("stopping the API server: %v", stopErr)
	}
	if err == nil {
		t.Fatalf("the apply succeeded with the API server down:\n%s", log)
	}
	if err := startAPIServer(); err != nil {
		t.Fatalf("starting the API server again: %v", err)
	}
	mustApply(t, cut, v1)
	if diff := cmp.Diff(names(v1), live(t, id, v1.Name)); diff != "" {
		t.Errorf("after rerunning v1, home in the cluster (-want +got):\n%s\n%s", diff, log)
	}
	if diff := cmp.Diff(names(v1), inventory(t, v1.Name)); diff != "" {
		t.Errorf("after rerunning v1, home's inventory (-want +got):\n%s", diff)
	}
	mustApply(t, cut, v2)
	if diff := cmp.Diff(names(v2), live(t, id, v2.Name)); diff != "" {
		t.Errorf("after rerunning v2, home in the cluster (-want +got):\n%s\n%s", diff, log)
	}
	if got := get(t, configMapGVK, ns, "a").Object["data"]; !cmp.Equal(got, map[string]any{"x": "changed"}) {
		t.Errorf("ConfigMap a holds %v, want x: changed", got)
	}
}

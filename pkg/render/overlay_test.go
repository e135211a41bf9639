package render_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/netops/netops/manifests"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/render"
)

// homeOverlay is overlays/home/ of a network repo: a Kustomize Component with a patch and a resource.
var homeOverlay = fstest.MapFS{
	"overlays/home/kustomization.yaml": {Data: []byte(`apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - plex-settings.yaml
patches:
  - target: {kind: Service, name: plex}
    patch: |-
      - op: add
        path: /spec/externalTrafficPolicy
        value: Local
`)},
	"overlays/home/plex-settings.yaml": {Data: []byte(`apiVersion: v1
kind: ConfigMap
metadata:
  name: plex-settings
  namespace: media
data:
  PLEX_ADVERTISE_URL: https://plex.home.lan:32400
`)},
}

// TestOverlay applies overlays/home/ to the home target only: the patch changes plex, the resource
// joins the target with netops's labels and the overlay as its source.
func TestOverlay(t *testing.T) {
	res := renderPlan(t, loadExample(t), render.WithRepo(homeOverlay))
	home := target(t, res, "home")
	plex := find(t, home, "Service", "media", "plex")
	if got := str(t, plex, "spec", "externalTrafficPolicy"); got != "Local" {
		t.Errorf("plex externalTrafficPolicy %q, want the overlay's Local", got)
	}
	if got := plex.GetAnnotations()[render.AnnotationSource]; got != "services.yaml:19" {
		t.Errorf("plex's source became %q", got)
	}
	cm := find(t, home, "ConfigMap", "media", "plex-settings")
	if got := cm.GetAnnotations()[render.AnnotationSource]; got != "overlays/home/kustomization.yaml" {
		t.Errorf("the overlay's ConfigMap has source %q", got)
	}
	if got := cm.GetLabels()[render.LabelSite]; got != "home" {
		t.Errorf("the overlay's ConfigMap has site %q", got)
	}
	if diff := refsOf(home)[0]; diff != "ConfigMap/media/plex-settings" {
		t.Errorf("the target is not sorted after the overlay: first is %s", diff)
	}
	plain := renderExample(t)
	for _, name := range []string{"homelab", "cabin"} {
		if string(yamlOf(t, target(t, res, name))) != string(yamlOf(t, target(t, plain, name))) {
			t.Errorf("overlays/home/ changed target %s", name)
		}
	}
}

// TestOverlayErrors checks that an overlay that does not build, or that adds an object another target
// owns, stops rendering with an error that names it.
func TestOverlayErrors(t *testing.T) {
	notComponent := fstest.MapFS{"overlays/cabin/kustomization.yaml": {Data: []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")}}
	_, err := withRepo(notComponent)
	var overlay *render.OverlayError
	if !errors.As(err, &overlay) || overlay.Path != "overlays/cabin" {
		t.Errorf("a Kustomization where a Component belongs: got %v, want an OverlayError for overlays/cabin", err)
	}
	stealing := fstest.MapFS{
		"overlays/cabin/kustomization.yaml": {Data: []byte("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [ns.yaml]\n")},
		"overlays/cabin/ns.yaml":            {Data: []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: media\n")},
	}
	_, err = withRepo(stealing)
	var conflict *render.ConflictError
	if !errors.As(err, &conflict) || conflict.Object != "Namespace/media" {
		t.Errorf("an overlay adding the cluster's namespace: got %v, want a ConflictError for Namespace/media", err)
	}
}

// TestOverlaySecret checks that an overlay cannot slip a secret value into the output.
func TestOverlaySecret(t *testing.T) {
	secret := fstest.MapFS{
		"overlays/home/kustomization.yaml": {Data: []byte("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [secret.yaml]\n")},
		"overlays/home/secret.yaml":        {Data: []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: plex-token\n  namespace: media\nstringData:\n  token: hunter2\n")},
	}
	_, err := withRepo(secret)
	var bad *render.ObjectError
	if !errors.As(err, &bad) || bad.Object != "Secret/media/plex-token" {
		t.Fatalf("got %v, want an ObjectError for Secret/media/plex-token", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows the secret value: %v", err)
	}
}

// TestOverlaySecretFields checks that every field of a Secret that can carry a value is refused, with
// the field named and the value never shown, and that a Secret of names, labels and type is not.
func TestOverlaySecretFields(t *testing.T) {
	const head = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plex-token\n  namespace: media\n"
	cases := []struct{ name, secret, field string }{
		{"last-applied", head + "  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"token\":\"aHVudGVyMg==\"}}'\n",
			`metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`},
		{"any annotation", head + "  annotations:\n    note: hunter2\n", `metadata.annotations["note"]`},
		{"data", head + "data:\n  token: aHVudGVyMg==\n", "data"},
		{"stringData", head + "stringData:\n  token: hunter2\n", "stringData"},
		{"other field", head + "spec:\n  token: hunter2\n", "spec"},
		{"managedFields", head + "  managedFields:\n  - manager: hunter2\n", "metadata.managedFields"},
		{"type not a word", head + "type: {token: hunter2}\n", "type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := withRepo(secretOverlay(c.secret))
			var bad *render.SecretError
			if !errors.As(err, &bad) || bad.Field != c.field || bad.Object != "Secret/media/plex-token" {
				t.Fatalf("got %v (%d targets), want a SecretError for field %s", err, len(targetsOf(res)), c.field)
			}
			if bad.Pos.String() != "overlays/home/kustomization.yaml" {
				t.Errorf("the error is at %s, want the overlay's kustomization.yaml", bad.Pos)
			}
			if msg := err.Error(); strings.Contains(msg, "hunter2") || strings.Contains(msg, "aHVudGVyMg") {
				t.Errorf("the error shows the secret value: %s", msg)
			}
		})
	}
	res, err := withRepo(secretOverlay(head + "  labels:\n    app: plex\n  annotations:\n    helm.sh/resource-policy: keep\ntype: Opaque\n"))
	if err != nil || len(res.Targets) == 0 {
		t.Errorf("a Secret of names, labels and type: got %v, want it rendered", err)
	}
}

func secretOverlay(secret string) fstest.MapFS {
	return fstest.MapFS{
		"overlays/home/kustomization.yaml": {Data: []byte("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [secret.yaml]\n")},
		"overlays/home/secret.yaml":        {Data: []byte(secret)},
	}
}

func targetsOf(res *render.Result) []*render.Target {
	if res == nil {
		return nil
	}
	return res.Targets
}

func withRepo(repo fs.FS) (*render.Result, error) {
	p, err := loadPlan()
	if err != nil {
		return nil, err
	}
	return render.Render(context.Background(), p, render.WithRepo(repo))
}

// TestChartPath points Traefik at a chart folder in the network repo.
func TestChartPath(t *testing.T) {
	repo := fstest.MapFS{}
	err := fs.WalkDir(manifests.FS, "charts/traefik", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(manifests.FS, p)
		data = []byte(strings.ReplaceAll(string(data), "version: 0.1.0", "version: "+testChartVersion))
		repo[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p := loadExample(t)
	p.Components.Traefik.Chart = &network.Chart{Path: "charts/traefik"}
	res := renderPlan(t, p, render.WithRepo(repo))
	if !strings.Contains(string(yamlOf(t, target(t, res, "homelab"))), "traefik-"+testChartVersion) {
		t.Fatal("the repo's chart was not used")
	}
	if homelabYAML(t, res) != homelabYAML(t, renderExample(t)) {
		t.Error("the repo's copy of the chart renders differently")
	}
	p.Components.Traefik.Chart = &network.Chart{Path: "../outside"}
	if _, err := render.Render(context.Background(), p, render.WithRepo(repo)); err == nil || !strings.Contains(err.Error(), "inside the network repo") {
		t.Errorf("a chart path outside the repo: got %v", err)
	}
}

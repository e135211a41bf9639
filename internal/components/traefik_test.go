package components_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/render"
)

const homelab = "../../examples/homelab"

// The homelab routes only through its LAN instance; the test gives consul-ui a route through the
// online instance too, so that each instance has routes of its own to keep apart.
var onlineRoute = []string{"services.yaml", "dns: consul-ui.home.lan\n", "dns: consul-ui.home.lan\ningressClass: traefik-online\n"}

// TestTraefikInstancesKeepTheirRoutes runs both rendered Traefik instances, with their rendered
// args, against a real API server that holds the rendered CRDs, RBAC and routes. Each must answer
// its probes and serve the routes of its own ingress class only (the leak of traefik#7534).
func TestTraefikInstancesKeepTheirRoutes(t *testing.T) {
	bin := traefikBinary(t)
	res := renderHomelab(t, onlineRoute...)
	deployments := traefikDeployments(t, res)
	var accounts []string
	for _, d := range deployments {
		accounts = append(accounts, d.GetNamespace()+"/"+serviceAccount(d))
	}
	api := startTraefikAPIServer(t, accounts...)
	api.createTraefikObjects(t, res)
	want := routesByClass(t, res)
	for i, d := range deployments {
		class := ingressClassArg(t, d)
		t.Run(class, func(t *testing.T) {
			c := container(t, d)
			args, ports := traefikArgs(t, stringsAt(t, c, "args"), api.cfg.Host, api.tokens[accounts[i]], api.caFile)
			p := startTraefik(t, bin, args, ports)
			for _, field := range []string{"readinessProbe", "livenessProbe"} {
				probe, _, _ := unstructured.NestedMap(c, field)
				p.probe(t, field, probe)
			}
			if len(want[class]) == 0 {
				t.Fatalf("the render routes nothing through %s, so the test would show no isolation", class)
			}
			got := waitRouters(t, p, ports, want[class])
			if diff := cmp.Diff(want[class], got); diff != "" {
				t.Errorf("%s serves other routes than those of its class (-want +got):\n%s\n%s", class, diff, p.Tail(3000))
			}
		})
	}
}

// renderHomelab renders examples/homelab with edits of one file: its name, then pairs of old and new.
func renderHomelab(t *testing.T, edits ...string) *render.Result {
	t.Helper()
	fsys := fstest.MapFS{}
	if err := fs.WalkDir(os.DirFS(homelab), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(homelab), path)
		fsys[path] = &fstest.MapFile{Data: data}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i+1 < len(edits); i += 2 {
		f := fsys[edits[0]]
		if !strings.Contains(string(f.Data), edits[i]) {
			t.Fatalf("%s lacks %q", edits[0], edits[i])
		}
		f.Data = []byte(strings.Replace(string(f.Data), edits[i], edits[i+1], 1))
	}
	plan, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	res, err := render.Render(context.Background(), plan, render.WithRepo(fsys))
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return res
}

// traefikDeployments are the rendered Deployments that run Traefik: one per instance.
func traefikDeployments(t *testing.T, res *render.Result) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, tg := range res.Targets {
		for _, o := range tg.Objects {
			if o.GetKind() == "Deployment" && o.GetLabels()["app.kubernetes.io/name"] == "traefik" {
				out = append(out, o)
			}
		}
	}
	if len(out) != 2 {
		t.Fatalf("the homelab renders %d Traefik Deployments, want 2 (LAN and online)", len(out))
	}
	return out
}

func container(t *testing.T, d *unstructured.Unstructured) map[string]any {
	t.Helper()
	cs, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	if len(cs) != 1 {
		t.Fatalf("Deployment %s/%s has %d containers, want 1", d.GetNamespace(), d.GetName(), len(cs))
	}
	return cs[0].(map[string]any)
}

func serviceAccount(d *unstructured.Unstructured) string {
	sa, _, _ := unstructured.NestedString(d.Object, "spec", "template", "spec", "serviceAccountName")
	return sa
}

func stringsAt(t *testing.T, obj map[string]any, field string) []string {
	t.Helper()
	v, _, err := unstructured.NestedStringSlice(obj, field)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// ingressClassArg is the class the instance's CRD provider filters on. Without the arg, the
// instance would serve every class's routes, and the test names which arg went missing.
func ingressClassArg(t *testing.T, d *unstructured.Unstructured) string {
	t.Helper()
	const flag = "--providers.kubernetesCRD.ingressClass="
	for _, a := range stringsAt(t, container(t, d), "args") {
		if class, ok := strings.CutPrefix(a, flag); ok {
			return class
		}
	}
	return d.GetName() + " (without " + flag + ")"
}

// routesByClass is the rule of each rendered IngressRoute, by the ingress class it names.
func routesByClass(t *testing.T, res *render.Result) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tg := range res.Targets {
		for _, o := range tg.Objects {
			if o.GetKind() != "IngressRoute" {
				continue
			}
			routes, _, _ := unstructured.NestedSlice(o.Object, "spec", "routes")
			for _, r := range routes {
				class := o.GetAnnotations()["kubernetes.io/ingress.class"]
				out[class] = append(out[class], fmt.Sprint(r.(map[string]any)["match"]))
			}
		}
	}
	for class := range out {
		slices.Sort(out[class])
	}
	return out
}

// waitRouters is the rules of the enabled routers that the instance built from Kubernetes, once
// they are the wanted ones or 30 s have passed; the providers list the API server's objects a
// moment after Traefik starts.
func waitRouters(t *testing.T, p *traefikProcess, ports map[int64]int, want []string) []string {
	t.Helper()
	var got []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		routers, err := p.routers(8080)
		if err != nil {
			t.Fatalf("%v\n%s", err, p.Tail(3000))
		}
		got = got[:0]
		for _, r := range routers {
			if r.Provider == "kubernetescrd" || r.Provider == "kubernetes" {
				got = append(got, r.Rule+statusNote(r))
			}
		}
		slices.Sort(got)
		if slices.Equal(got, want) {
			break
		}
	}
	return got
}

func statusNote(r router) string {
	if r.Status == "enabled" {
		return ""
	}
	return " (" + r.Status + ")"
}

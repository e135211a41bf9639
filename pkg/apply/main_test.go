package apply_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fluxcd/pkg/ssa/utils"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/netops/netops/pkg/apply"
)

// The control plane every test of this package shares: a real etcd and kube-apiserver.
var (
	env *envtest.Environment
	cfg *rest.Config
	k8s client.Client
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctrllog.SetLogger(logr.Discard())
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "FAIL: KUBEBUILDER_ASSETS is not set. These tests run against a real kube-apiserver and etcd:\n"+
			"run `make testenv`, then export KUBEBUILDER_ASSETS=\"$(hack/testenv/build.sh)\"")
		return 1
	}
	// A fixed certificate folder keeps the serving certificate, so the API server can be stopped and
	// started again under a test and the clients still trust it.
	dir, err := os.MkdirTemp("", "netops-apiserver-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	env = &envtest.Environment{}
	env.ControlPlane.APIServer = &envtest.APIServer{CertDir: dir}
	env.ControlPlane.APIServer.Configure().Set("service-cluster-ip-range", "127.200.0.0/24") // loopback: no Service address leaves the machine
	if cfg, err = env.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the control plane:", err)
		return 1
	}
	defer env.Stop()
	if k8s, err = client.New(cfg, client.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

var lastID atomic.Int64

// newID names a test's own targets, namespaces and CRD group, so that tests do not meet.
func newID() string { return fmt.Sprint(lastID.Add(1)) }

// secretOf is the value of the Secret of test id, which must never show in a result or a log.
func secretOf(id string) string { return "s3cr3t-value-of-" + id }

// target reads testdata/NAME.yaml as the target NAME-ID.
func target(t testing.TB, name, id string) apply.Target {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("${id}", id, "${secret}", secretOf(id)).Replace(string(data))
	objs, err := utils.ReadObjects(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return apply.Target{Name: name + "-" + id, Objects: objs}
}

// without is t less the objects named Kind/namespace/name.
func without(t apply.Target, names ...string) apply.Target {
	out := apply.Target{Name: t.Name}
	for _, o := range t.Objects {
		if !slices.Contains(names, utils.FmtUnstructured(o)) {
			out.Objects = append(out.Objects, o)
		}
	}
	return out
}

// configMap is a ConfigMap of target t's namespace.
func configMap(ns, name, x string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"data":     map[string]any{"x": x},
	}}
}

// newApplier makes an Applier with opts whose log the returned buffer keeps.
func newApplier(t testing.TB, opts apply.Options) (*apply.Applier, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	if opts.Log == nil {
		opts.Log = log
	}
	a, err := apply.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a, log
}

// mustApply applies tg and fails the test if that fails.
func mustApply(t testing.TB, a *apply.Applier, tg apply.Target) *apply.Result {
	t.Helper()
	res, err := a.Apply(context.Background(), tg)
	if err != nil {
		t.Fatalf("apply %s: %v", tg.Name, err)
	}
	return res
}

// actions maps Kind/namespace/name to the action of each entry.
func actions(r *apply.Result) map[string]apply.Action {
	m := map[string]apply.Action{}
	for _, e := range r.Entries {
		m[e.Object.String()] = e.Action
	}
	return m
}

// all maps every object of tg to action.
func all(tg apply.Target, action apply.Action) map[string]apply.Action {
	m := map[string]apply.Action{}
	for _, o := range tg.Objects {
		m[utils.FmtUnstructured(o)] = action
	}
	return m
}

// names is Kind/namespace/name of each object of tg, sorted.
func names(tg apply.Target) []string {
	var out []string
	for _, o := range tg.Objects {
		out = append(out, utils.FmtUnstructured(o))
	}
	slices.Sort(out)
	return out
}

// refNames is Kind/namespace/name of each ref, sorted.
func refNames(refs []apply.ObjectRef) []string {
	out := []string{}
	for _, r := range refs {
		out = append(out, r.String())
	}
	slices.Sort(out)
	return out
}

// kinds are what the fixtures hold, to list what a target left in the cluster.
func kinds(id string) []schema.GroupVersionKind {
	return []schema.GroupVersionKind{
		{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"},
		{Version: "v1", Kind: "Namespace"},
		{Version: "v1", Kind: "ConfigMap"},
		{Version: "v1", Kind: "Service"},
		{Version: "v1", Kind: "Secret"},
		{Group: "t" + id + ".test.netops.dev", Version: "v1", Kind: "Widget"},
	}
}

// live lists every object in the cluster that carries target's label, as Kind/namespace/name.
func live(t testing.TB, id, target string) []string {
	t.Helper()
	out := []string{}
	for _, gvk := range kinds(id) {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		err := k8s.List(context.Background(), list, client.MatchingLabels{apply.TargetLabel: target})
		if err != nil {
			t.Fatalf("list %s: %v", gvk.Kind, err)
		}
		for _, o := range list.Items {
			if o.GetDeletionTimestamp() == nil {
				out = append(out, utils.FmtUnstructured(&o))
			}
		}
	}
	slices.Sort(out)
	return out
}

// inventory is the target's inventory as Kind/namespace/name, sorted.
func inventory(t testing.TB, target string) []string {
	t.Helper()
	refs, err := apply.Inventory(context.Background(), k8s, target)
	if err != nil {
		t.Fatal(err)
	}
	return refNames(refs)
}

// get reads the object named by kind, namespace and name.
func get(t testing.TB, gvk schema.GroupVersionKind, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, u); err != nil {
		t.Fatalf("get %s %s/%s: %v", gvk.Kind, ns, name, err)
	}
	return u
}

var configMapGVK = schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}

// syncBuffer is a log that many goroutines may write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newApplierFor makes an Applier for the cluster c reaches, with opts, whose log the buffer keeps.
func newApplierFor(t testing.TB, c *rest.Config, opts apply.Options) (*apply.Applier, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	opts.Log = log
	a, err := apply.New(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a, log
}

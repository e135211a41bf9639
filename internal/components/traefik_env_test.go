package components_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netops/netops/internal/testcluster"
	"github.com/netops/netops/pkg/render"
)

// traefikBinary is the cached Traefik binary that NETOPS_TRAEFIK names. Without it the test skips,
// unless NETOPS_REQUIRE_COMPONENTS=1 (as under make test), when it fails.
func traefikBinary(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("NETOPS_TRAEFIK")
	if dir == "" {
		const hint = "NETOPS_TRAEFIK is not set; run `make test`, or export NETOPS_TRAEFIK=\"$(hack/components/build.sh traefik)\""
		if os.Getenv("NETOPS_REQUIRE_COMPONENTS") == "1" {
			t.Fatal(hint)
		}
		t.Skip(hint)
	}
	bin := filepath.Join(dir, "traefik")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("NETOPS_TRAEFIK=%s holds no traefik binary (%v); run hack/components/build.sh traefik", dir, err)
	}
	return bin
}

// traefikAPIServer is a test control plane that also knows one bearer token per service account.
type traefikAPIServer struct {
	cfg    *rest.Config
	k8s    client.Client
	tokens map[string]string // by namespace/name of the service account
	caFile string
}

// startTraefikAPIServer starts etcd and kube-apiserver with a loopback service range and a token
// file giving each service account its token, so that a process out of cluster can act as it.
func startTraefikAPIServer(t *testing.T, accounts ...string) *traefikAPIServer {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set; export KUBEBUILDER_ASSETS=\"$(hack/testenv/build.sh --with-kubectl)\"")
	}
	dir := t.TempDir()
	s := &traefikAPIServer{tokens: map[string]string{}, caFile: filepath.Join(dir, "ca.crt")}
	var lines []string
	for i, sa := range accounts {
		ns, name, _ := strings.Cut(sa, "/")
		s.tokens[sa] = randomToken(t)
		lines = append(lines, fmt.Sprintf("%s,system:serviceaccount:%s:%s,uid-%d,\"system:serviceaccounts,system:serviceaccounts:%s\"", s.tokens[sa], ns, name, i, ns))
	}
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := testcluster.New("", "")
	env.ControlPlane.GetAPIServer().Configure().Set("token-auth-file", tokenFile)
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting the control plane: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	s.cfg = cfg
	if err := os.WriteFile(s.caFile, cfg.CAData, 0o600); err != nil {
		t.Fatal(err)
	}
	s.k8s = newTraefikClient(t, cfg)
	return s
}

func newTraefikClient(t *testing.T, cfg *rest.Config) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomToken(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// traefikApplied says whether the test creates an object: what Traefik reads and needs (its CRDs, the
// namespaces, RBAC, ingress classes, Services and routes), and never a webhook.
func traefikApplied(o *unstructured.Unstructured) bool {
	switch o.GetKind() {
	case "CustomResourceDefinition":
		group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
		return group == "traefik.io"
	case "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
		"IngressClass", "Service", "IngressRoute":
		return true
	}
	return false
}

// createTraefikObjects creates what traefikApplied picks from every target: the CRDs first, then,
// once they serve, everything else.
func (s *traefikAPIServer) createTraefikObjects(t *testing.T, res *render.Result) {
	t.Helper()
	ctx := context.Background()
	var crds, rest []*unstructured.Unstructured
	for _, tg := range res.Targets {
		for _, o := range tg.Objects {
			switch {
			case !traefikApplied(o):
			case o.GetKind() == "CustomResourceDefinition":
				crds = append(crds, o.DeepCopy())
			default:
				rest = append(rest, o.DeepCopy())
			}
		}
	}
	for _, o := range crds {
		s.create(ctx, t, o)
	}
	s.waitEstablished(ctx, t, crds)
	s.k8s = newTraefikClient(t, s.cfg) // a client that knows the new kinds
	for _, o := range rest {
		s.create(ctx, t, o)
	}
}

func (s *traefikAPIServer) create(ctx context.Context, t *testing.T, o *unstructured.Unstructured) {
	t.Helper()
	err := s.k8s.Create(ctx, o)
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("creating %s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
	}
}

func (s *traefikAPIServer) waitEstablished(ctx context.Context, t *testing.T, crds []*unstructured.Unstructured) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for _, o := range crds {
		for {
			var crd apiextensionsv1.CustomResourceDefinition
			if err := s.k8s.Get(ctx, client.ObjectKey{Name: o.GetName()}, &crd); err == nil && established(&crd) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("CRD %s is not Established after 30 s", o.GetName())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}

package components_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/render"
)

const example = "../../examples/homelab"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(runHelper())
	}
	ctrllog.SetLogger(logr.Discard())
	code := m.Run()
	stopControlPlane()
	os.Exit(code)
}

// The control plane the tests share, started by the first test that needs it.
var (
	planeOnce sync.Once
	plane     *envtest.Environment
	planeCfg  *rest.Config
	planeErr  error
)

// controlPlane starts a real etcd and kube-apiserver whose Service range is on loopback, so that no
// call the API server makes to a Service address can leave this machine.
func controlPlane(t testing.TB) (*rest.Config, client.Client) {
	t.Helper()
	planeOnce.Do(func() {
		if os.Getenv("KUBEBUILDER_ASSETS") == "" {
			planeErr = fmt.Errorf("KUBEBUILDER_ASSETS is not set; run: export KUBEBUILDER_ASSETS=$(hack/testenv/build.sh --with-kubectl)")
			return
		}
		plane = &envtest.Environment{}
		plane.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "127.200.0.0/24")
		planeCfg, planeErr = plane.Start()
	})
	if planeErr != nil {
		t.Fatalf("control plane: %v", planeErr)
	}
	c, err := client.New(planeCfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return planeCfg, c
}

func stopControlPlane() {
	if plane != nil && planeCfg != nil {
		_ = plane.Stop()
	}
}

// kubeconfig writes a kubeconfig file for cfg into dir, as a component reads it with --kubeconfig.
func kubeconfig(t testing.TB, cfg *rest.Config, dir string) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["test"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken}
	kc.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "test"}
	kc.CurrentContext = "test"
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// renderExample renders examples/homelab with the built-in charts.
func renderExample(t testing.TB) *render.Result {
	t.Helper()
	plan, err := load.Load(os.DirFS(example))
	if err != nil {
		t.Fatalf("load %s: %v", example, err)
	}
	res, err := render.Render(context.Background(), plan, render.WithRepo(os.DirFS(example)))
	if err != nil {
		t.Fatalf("render %s: %v", example, err)
	}
	return res
}

// metallbBinaries is the folder of the real MetalLB binaries, from NETOPS_METALLB, which the Makefile
// sets from hack/components/build.sh. Without it the test skips, unless NETOPS_REQUIRE_COMPONENTS=1.
func metallbBinaries(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("NETOPS_METALLB")
	if dir == "" {
		if os.Getenv("NETOPS_REQUIRE_COMPONENTS") == "1" {
			t.Fatal("NETOPS_METALLB is not set; run: export NETOPS_METALLB=$(hack/components/build.sh metallb)")
		}
		t.Skip("NETOPS_METALLB is not set; export NETOPS_METALLB=$(hack/components/build.sh metallb) to run the real MetalLB")
	}
	for _, b := range []string{"controller", "speaker"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			t.Fatalf("NETOPS_METALLB=%s: %v; run hack/components/build.sh metallb", dir, err)
		}
	}
	return dir
}

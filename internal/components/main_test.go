package components_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netops/netops/internal/testcluster"
)

// cluster is the test control plane that the components run against.
var cluster struct {
	cfg        *rest.Config
	client     client.Client
	kubeconfig string
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(netnsChild); spec != "" {
		os.Exit(runInNetnsChild(spec))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set. These tests run the components against a real "+
			"kube-apiserver and etcd: export KUBEBUILDER_ASSETS=\"$(hack/testenv/build.sh)\"")
		return 1
	}
	dir, err := os.MkdirTemp("", "netops-components-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	certs := filepath.Join(dir, "certs")
	if err := os.Mkdir(certs, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env := testcluster.New(certs, "")
	if cluster.cfg, err = env.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the control plane:", err)
		return 1
	}
	defer env.Stop()
	if cluster.client, err = client.New(cluster.cfg, client.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cluster.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(cluster.kubeconfig, env.KubeConfig, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// component is the folder of a component's binaries, built from the Go module proxy and cached by
// version by hack/components/build.sh (at once when cached; a first build takes minutes).
func component(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("../../hack/components/build.sh", name).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("hack/components/build.sh %s: %v\n%s", name, err, ee.Stderr)
		}
		t.Fatalf("hack/components/build.sh %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

func ctx(t *testing.T) context.Context { return t.Context() }

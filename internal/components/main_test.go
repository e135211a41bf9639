package components_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/netops/netops/internal/testcluster"
)

// cluster is the test control plane that the components run against.
var cluster *testcluster.Cluster

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
	if cluster, err = testcluster.Start(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cluster.Env.Stop()
	return m.Run()
}

// component is the folder of a component's binaries, built from the Go module proxy and cached by
// version by hack/components/build.sh (at once when cached; a first build takes minutes).
func component(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("../../hack/components/build.sh", name).Output()
	if err != nil {
		if ee := new(exec.ExitError); errors.As(err, &ee) {
			t.Fatalf("hack/components/build.sh %s: %v\n%s", name, err, ee.Stderr)
		}
		t.Fatalf("hack/components/build.sh %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

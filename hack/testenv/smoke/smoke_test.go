// Package smoke checks that the control plane built by ../build.sh runs under
// controller-runtime's envtest: it starts kube-apiserver and etcd, lists
// namespaces, reports start time and memory, stops them and checks that both
// processes are gone.
//
//	cd hack/testenv/smoke
//	KUBEBUILDER_ASSETS="$(../build.sh)" go test -v -count=1 .
//
// It is its own module (controller-runtime pulls newer k8s.io/* than the
// pinned v0.36.x that the binaries are built from) and is not part of the
// main module's `go test ./...`.
package smoke

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

func TestControlPlane(t *testing.T) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Fatal(`KUBEBUILDER_ASSETS is not set; run: KUBEBUILDER_ASSETS="$(../build.sh)" go test .`)
	}
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(assets, b)); err != nil {
			t.Fatalf("missing %s in KUBEBUILDER_ASSETS: %v", b, err)
		}
	}

	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	// A loopback service range, as every test control plane of the project has: a webhook or
	// APIService call can then only reach this machine.
	env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "127.200.0.0/24")
	start := time.Now()
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting the control plane: %v", err)
	}
	startTook := time.Since(start)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = env.Stop()
		}
	})
	t.Logf("control plane started in %s at %s", startTook.Round(time.Millisecond), cfg.Host)

	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ver, err := dc.ServerVersion()
	if err != nil {
		t.Fatalf("server version: %v", err)
	}
	t.Logf("server version %s (%s, %s)", ver.GitVersion, ver.GoVersion, ver.Platform)

	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var nss corev1.NamespaceList
	if err := c.List(ctx, &nss); err != nil {
		t.Fatalf("listing namespaces: %v", err)
	}
	var names []string
	for _, ns := range nss.Items {
		names = append(names, ns.Name)
	}
	t.Logf("namespaces: %s", strings.Join(names, ", "))
	if !contains(names, "default") {
		t.Errorf("namespace default not listed")
	}
	ns := &corev1.Namespace{}
	ns.Name = "smoke"
	if err := c.Create(ctx, ns); err != nil {
		t.Fatalf("creating a namespace: %v", err)
	}

	kids := children(t)
	var total int64
	for _, k := range kids {
		t.Logf("pid %d %s: RSS %d MiB", k.pid, k.comm, k.rssKiB/1024)
		total += k.rssKiB
	}
	t.Logf("RSS total: %d MiB", total/1024)
	for _, want := range []string{"kube-apiserver", "etcd"} {
		if !hasComm(kids, want) {
			t.Errorf("no %s child process found", want)
		}
	}

	stopStart := time.Now()
	if err := env.Stop(); err != nil {
		t.Fatalf("stopping the control plane: %v", err)
	}
	stopped = true
	t.Logf("control plane stopped in %s", time.Since(stopStart).Round(time.Millisecond))
	for _, k := range kids {
		if err := syscall.Kill(k.pid, 0); err == nil {
			t.Errorf("pid %d (%s) still running after Stop", k.pid, k.comm)
			_ = syscall.Kill(k.pid, syscall.SIGKILL)
		}
	}
}

type proc struct {
	pid    int
	comm   string
	rssKiB int64
}

// children lists this process's direct children from /proc (Linux only).
func children(t *testing.T) []proc {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Logf("cannot read /proc: %v", err)
		return nil
	}
	self := os.Getpid()
	var out []proc
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		p := proc{pid: pid}
		ppid := -1
		for _, line := range strings.Split(string(status), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			v = strings.TrimSpace(v)
			switch k {
			case "Name":
				p.comm = v
			case "PPid":
				ppid, _ = strconv.Atoi(v)
			case "VmRSS":
				p.rssKiB, _ = strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
			}
		}
		if ppid == self {
			out = append(out, p)
		}
	}
	return out
}

func hasComm(ps []proc, name string) bool {
	for _, p := range ps {
		// comm is truncated to 15 characters ("kube-apiserver" fits).
		if p.comm == name {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

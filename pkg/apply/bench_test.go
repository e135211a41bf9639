package apply_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/fluxcd/pkg/ssa/utils"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/apply"
)

// bigTarget is a target of n ConfigMaps in a namespace of its own, which it makes first.
func bigTarget(b *testing.B, id string, n int) apply.Target {
	b.Helper()
	ns := "bench-" + id
	editByHandTB(b, ns)
	tg := apply.Target{Name: ns}
	for i := range n {
		tg.Objects = append(tg.Objects, configMap(ns, fmt.Sprintf("cm-%03d", i), fmt.Sprint(i)))
	}
	return tg
}

func editByHandTB(b *testing.B, ns string) {
	b.Helper()
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": ns}}}
	if err := k8s.Create(b.Context(), obj); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkApply500 applies 500 ConfigMaps to one target: first to an empty namespace, then again
// with nothing changed. BenchmarkKubectlApply500 is the peer of the first apply.
func BenchmarkApply500(b *testing.B) {
	a, _ := newApplier(b, apply.Options{Prune: true})
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			tg := bigTarget(b, newID(), 500)
			b.StartTimer()
			if res := mustApply(b, a, tg); res.Created != 500 {
				b.Fatalf("created %d objects, want 500", res.Created)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		tg := bigTarget(b, newID(), 500)
		mustApply(b, a, tg)
		for b.Loop() {
			if res := mustApply(b, a, tg); res.Unchanged != 500 {
				b.Fatalf("%d objects unchanged, want 500", res.Unchanged)
			}
		}
	})
}

func BenchmarkKubectlApply500(b *testing.B) {
	kubectl := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	if _, err := os.Stat(kubectl); err != nil {
		b.Fatalf("the peer benchmark runs kubectl from KUBEBUILDER_ASSETS; build it with hack/testenv/build.sh --with-kubectl: %v", err)
	}
	dir := b.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, env.KubeConfig, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			file := writeObjects(b, dir, bigTarget(b, newID(), 500))
			b.StartTimer()
			out, err := exec.Command(kubectl, "--kubeconfig", kubeconfig, "apply", "--server-side", "-f", file).CombinedOutput()
			if err != nil {
				b.Fatalf("kubectl: %v\n%s", err, out)
			}
		}
	})
}

// writeObjects writes the target's objects to one YAML file in dir.
func writeObjects(b *testing.B, dir string, tg apply.Target) string {
	b.Helper()
	text, err := utils.ObjectsToYAML(tg.Objects)
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, tg.Name+".yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	return file
}

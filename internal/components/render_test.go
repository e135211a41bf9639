package components_test

import (
	"os"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/render"
)

// rendered is the homelab's render, as netops gives it.
func rendered(t *testing.T) *render.Result {
	t.Helper()
	fsys := os.DirFS(homelab)
	plan, err := load.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	res, err := render.Render(t.Context(), plan, render.WithRepo(fsys))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// objects are the render's objects, of every target, whose kind is one of kinds.
func objects(res *render.Result, kinds ...string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, tg := range res.Targets {
		for _, o := range tg.Objects {
			for _, k := range kinds {
				if o.GetKind() == k {
					out = append(out, o.DeepCopy())
				}
			}
		}
	}
	return out
}

// podSpec is the pod template of the rendered Deployment or DaemonSet with this name.
func podSpec(t *testing.T, res *render.Result, kind, name string) corev1.PodSpec {
	t.Helper()
	for _, o := range objects(res, kind) {
		if o.GetName() != name {
			continue
		}
		var w struct {
			Spec appsv1.DeploymentSpec `json:"spec"` // a DaemonSet's template sits at the same path
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &w); err != nil {
			t.Fatalf("%s %s: %v", kind, name, err)
		}
		return w.Spec.Template.Spec
	}
	t.Fatalf("the render has no %s %s", kind, name)
	return corev1.PodSpec{}
}

// containerNamed is the named container of a pod spec.
func containerNamed(t *testing.T, spec corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	for _, c := range spec.Containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %s", name)
	return corev1.Container{}
}

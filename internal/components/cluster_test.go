package components_test

import (
	"context"
	"strings"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// applyAll applies the objects to the test API server, server-side, as netops apply would.
func applyAll(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, o := range objs {
		o = o.DeepCopy()
		o.SetResourceVersion("")
		if err := cluster.Client.Patch(t.Context(), o, client.Apply, client.FieldOwner("netops"), client.ForceOwnership); err != nil {
			t.Fatalf("apply %s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
		}
	}
}

func waitEstablished(t *testing.T, crds []*unstructured.Unstructured) {
	t.Helper()
	for _, o := range crds {
		var crd apiextensionsv1.CustomResourceDefinition
		eventually(t, 30*time.Second, "CRD "+o.GetName()+" established", func() bool {
			if cluster.Client.Get(t.Context(), types.NamespacedName{Name: o.GetName()}, &crd) != nil {
				return false
			}
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return true
				}
			}
			return false
		})
	}
}

// inNamespace are the objects in namespace ns.
func inNamespace(objs []*unstructured.Unstructured, ns string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetNamespace() == ns {
			out = append(out, o)
		}
	}
	return out
}

// loadBalancers are the Services that ask MetalLB for an address.
func loadBalancers(services []*unstructured.Unstructured) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, s := range services {
		if typ, _, _ := unstructured.NestedString(s.Object, "spec", "type"); typ == "LoadBalancer" {
			out = append(out, s)
		}
	}
	return out
}

// waitForIPs waits until the status of every Service holds the IPs its annotation plans.
func waitForIPs(t *testing.T, services []*unstructured.Unstructured) {
	t.Helper()
	if len(services) == 0 {
		t.Fatal("the render has no LoadBalancer Service")
	}
	for _, s := range services {
		want := s.GetAnnotations()["metallb.io/loadBalancerIPs"]
		if want == "" {
			t.Errorf("Service %s/%s plans no IP", s.GetNamespace(), s.GetName())
			continue
		}
		var got string
		ok := poll(t, 30*time.Second, func() bool {
			got = ingressIPs(t, s)
			return got == want
		})
		if !ok {
			t.Errorf("Service %s/%s: status.loadBalancer.ingress is %q, want %q", s.GetNamespace(), s.GetName(), got, want)
		}
	}
}

func ingressIPs(t *testing.T, s *unstructured.Unstructured) string {
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(s.GroupVersionKind())
	if err := cluster.Client.Get(t.Context(), client.ObjectKeyFromObject(s), live); err != nil {
		return "error: " + err.Error()
	}
	ingress, _, _ := unstructured.NestedSlice(live.Object, "status", "loadBalancer", "ingress")
	var ips []string
	for _, i := range ingress {
		if m, ok := i.(map[string]any); ok {
			ip, _ := m["ip"].(string)
			ips = append(ips, ip)
		}
	}
	return strings.Join(ips, ",")
}

func eventually(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	if !poll(t, within, ok) {
		t.Fatalf("%s: not within %s", what, within)
	}
}

// poll asks ok every 200 ms until it holds or within has passed, and says whether it held.
func poll(t *testing.T, within time.Duration, ok func() bool) bool {
	return wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, within, true,
		func(context.Context) (bool, error) { return ok(), nil }) == nil
}

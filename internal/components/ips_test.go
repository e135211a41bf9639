package components_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestMetalLBAssignsPlannedIPs applies the whole built-in render (less webhooks) and runs the real
// controller on it: every LoadBalancer Service must get the IP the plan gives it, and the controller
// must report no AllocationFailed event. No speaker runs, so no address is announced.
func TestMetalLBAssignsPlannedIPs(t *testing.T) {
	bins := metallbBinaries(t)
	cfg, c := controlPlane(t)
	res := renderExample(t)
	cluster := clusterTarget(t, res)
	applyRender(t, c, cluster.Objects)
	ctrl := startController(t, cfg, c, bins, cluster.Objects, "metallb-controller-ips")
	for _, tg := range res.Targets {
		if tg.Site != "" {
			applyRender(t, c, tg.Objects)
		}
	}
	planned := plannedIPs(t, c)
	if len(planned) == 0 {
		t.Fatal("the render has no LoadBalancer Service with a planned IP")
	}
	got := waitIngress(t, c, planned, time.Minute)
	for svc, ip := range planned {
		if got[svc] != ip {
			t.Errorf("Service %s: status.loadBalancer.ingress %q, want the planned %s", svc, got[svc], ip)
		}
	}
	if failed := allocationFailures(t, c); len(failed) > 0 {
		t.Errorf("the controller reports AllocationFailed:\n%s", strings.Join(failed, "\n"))
	}
	if t.Failed() {
		t.Logf("controller log ends:\n%s", ctrl.ns.logTail())
	}
	t.Logf("%d Services got their planned IPs", len(planned))
}

// plannedIPs maps namespace/name of each LoadBalancer Service to the IP its annotation asks for.
func plannedIPs(t testing.TB, c client.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range services(t, c) {
		if s.Spec.Type == corev1.ServiceTypeLoadBalancer {
			out[s.Namespace+"/"+s.Name] = s.Annotations["metallb.io/loadBalancerIPs"]
		}
	}
	return out
}

// waitIngress waits until every Service of want has an ingress IP, or d passes; it returns the IPs.
func waitIngress(t testing.TB, c client.Client, want map[string]string, d time.Duration) map[string]string {
	t.Helper()
	got := map[string]string{}
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
		for _, s := range services(t, c) {
			var ips []string
			for _, in := range s.Status.LoadBalancer.Ingress {
				ips = append(ips, in.IP)
			}
			slices.Sort(ips)
			got[s.Namespace+"/"+s.Name] = strings.Join(ips, ",")
		}
		done := true
		for svc := range want {
			done = done && got[svc] != ""
		}
		if done {
			break
		}
	}
	return got
}

func services(t testing.TB, c client.Client) []corev1.Service {
	t.Helper()
	list := &corev1.ServiceList{}
	if err := c.List(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// allocationFailures lists the AllocationFailed events, as Kind/namespace/name: message.
func allocationFailures(t testing.TB, c client.Client) []string {
	t.Helper()
	list := &corev1.EventList{}
	if err := c.List(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		if e.Reason == "AllocationFailed" {
			o := e.InvolvedObject
			out = append(out, o.Kind+"/"+o.Namespace+"/"+o.Name+": "+e.Message)
		}
	}
	return out
}

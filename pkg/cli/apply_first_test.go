package cli_test

import (
	"context"
	"os"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netops/netops/internal/testcluster"
)

// emptyCluster starts a control plane of the test's own, with nothing applied yet, and returns its
// kubeconfig (context "envtest") and a client. Its Services take loopback addresses, so a webhook
// the render installs can only ever be called on this machine.
func emptyCluster(t *testing.T) (string, client.Client) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set. This test runs against a real kube-apiserver and etcd: " +
			"run `make testenv`, then export KUBEBUILDER_ASSETS=\"$(hack/testenv/build.sh)\"")
	}
	c, err := testcluster.Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Env.Stop() })
	return c.KubeConfig, c.Client
}

// TestFirstApplyFailsNamingWhatIsNotReady applies every target to an empty cluster in which no pod
// ever runs: the cluster target goes in, its MetalLB controller never becomes available and its
// webhook has no endpoint, so the sites are not applied, and the error says which Deployment and
// which webhook are not ready.
func TestFirstApplyFailsNamingWhatIsNotReady(t *testing.T) {
	kc, c := emptyCluster(t)
	repo := exampleRepo(t)

	start := time.Now()
	r := run(t, "apply", "--repo", repo, "--all-sites", "--kubeconfig", kc, "--context", "envtest", "--timeout", "4s")
	took := time.Since(start)

	r.want(t, 1, "failed: not ready", "Deployment metallb-system/metallb-controller is not available: 0 of 1 replicas")
	r.want(t, 1, "", "ValidatingWebhookConfiguration metallb-webhook-configuration: Service metallb-system/metallb-webhook-service has no ready endpoint")
	r.want(t, 1, "", "ipaddresspoolvalidationwebhook.metallb.io")
	r.want(t, 1, "", "homelab: target homelab is not ready to serve after 4s")
	r.want(t, 1, "", "home: not applied: the cluster's shared target homelab is not ready to serve its sites")
	if got := summaryRow(t, r.out, "homelab"); got.created == 0 {
		t.Errorf("homelab: %+v, want its objects created before the wait", got)
	}
	for _, site := range []string{"home", "cabin"} {
		if got := summaryRow(t, r.out, site); got != (row{status: "failed"}) {
			t.Errorf("%s: %+v, want failed with nothing applied", site, got)
		}
	}
	if took > 30*time.Second {
		t.Errorf("apply took %s with --timeout 4s", took)
	}
	if n := count(t, c, &corev1.ServiceList{}, "media"); n != 0 {
		t.Errorf("the home site's namespace media holds %d Services, want none applied", n)
	}
}

// TestFirstApplyWaitsForTheClusterTarget applies every target to an empty cluster while the test
// plays the part of the controllers: the sites are held back until the cluster target's Deployments
// are available, then applied.
func TestFirstApplyWaitsForTheClusterTarget(t *testing.T) {
	kc, c := emptyCluster(t)
	repo := liveRepo(t) // without the webhook, which no one serves here
	done := make(chan result, 1)
	go func() {
		done <- run(t, "apply", "--repo", repo, "--all-sites", "--kubeconfig", kc, "--context", "envtest", "--timeout", "60s")
	}()

	deployments := waitForDeployments(t, c, done)
	time.Sleep(3 * time.Second) // the apply polls every second: time for a site to slip through
	if n := count(t, c, &corev1.ServiceList{}, "media"); n != 0 {
		t.Fatalf("%d Services of the home site applied before the cluster target's Deployments were available", n)
	}
	for i := range deployments {
		makeAvailable(t, c, &deployments[i])
	}

	var r result
	select {
	case r = <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("apply did not end within 90s of the Deployments becoming available")
	}
	r.want(t, 0, "", "homelab: waiting until it serves: Deployment")
	for _, target := range []string{"homelab", "home", "cabin"} {
		if got := summaryRow(t, r.out, target); got.status != "ok" || got.created == 0 {
			t.Errorf("%s: %+v, want ok with objects created", target, got)
		}
	}
	if n := count(t, c, &corev1.ServiceList{}, "media"); n == 0 {
		t.Error("no Service of the home site in namespace media after the apply")
	}
}

// waitForDeployments waits until the cluster target's Deployments exist, and returns them.
func waitForDeployments(t *testing.T, c client.Client, done <-chan result) []appsv1.Deployment {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var list appsv1.DeploymentList
		if err := c.List(context.Background(), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) > 0 {
			time.Sleep(time.Second) // the rest of the same apply stage
			if err := c.List(context.Background(), &list); err != nil {
				t.Fatal(err)
			}
			return list.Items
		}
		select {
		case r := <-done:
			t.Fatalf("apply ended before any Deployment was applied:\n%s\n%s", r.out, r.err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatal("no Deployment applied within 60s")
	return nil
}

// makeAvailable writes the status a Deployment controller and kubelet would give d once its pods run.
func makeAvailable(t *testing.T, c client.Client, d *appsv1.Deployment) {
	t.Helper()
	n := int32(1)
	if d.Spec.Replicas != nil {
		n = *d.Spec.Replicas
	}
	d.Status = appsv1.DeploymentStatus{
		ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n, ReadyReplicas: n, AvailableReplicas: n,
		Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue,
			LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now(), Reason: "MinimumReplicasAvailable"}},
	}
	if err := c.Status().Update(context.Background(), d); err != nil {
		t.Fatalf("Deployment %s/%s status: %v", d.Namespace, d.Name, err)
	}
}

func count(t *testing.T, c client.Client, list *corev1.ServiceList, ns string) int {
	t.Helper()
	if err := c.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	return len(list.Items)
}

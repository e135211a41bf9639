package components_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/netops/netops/internal/components"
)

const metallbNamespace = "metallb-system"

// TestMetalLB runs the real MetalLB v0.16.1 controller and speaker with the args, env and ports that
// the homelab's render gives them, and probes them as a kubelet would; then the controller must give
// every Service of the render its planned IP.
func TestMetalLB(t *testing.T) {
	bins := component(t, "metallb")
	res := rendered(t)
	applyAll(t, objects(res, "CustomResourceDefinition"))
	waitEstablished(t, objects(res, "CustomResourceDefinition"))
	applyAll(t, objects(res, "Namespace"))
	applyAll(t, inNamespace(objects(res, "ServiceAccount", "ConfigMap", "Deployment", "DaemonSet"), metallbNamespace))

	controller := startController(t, bins, containerNamed(t, podSpec(t, res, "Deployment", "metallb-controller"), "controller"))
	t.Run("speaker", func(t *testing.T) {
		runSpeaker(t, bins, containerNamed(t, podSpec(t, res, "DaemonSet", "metallb-speaker"), "speaker"))
	})
	t.Run("planned IPs", func(t *testing.T) {
		applyAll(t, objects(res, "IPAddressPool", "L2Advertisement"))
		services := loadBalancers(objects(res, "Service"))
		applyAll(t, services)
		waitForIPs(t, services)
		noAllocationFailures(t)
	})
	if done, err := controller.Exited(); done {
		t.Errorf("the controller exited (%v):\n%s", err, controller.Tail(3000))
	}
}

// startController runs the controller against the test API server and holds its probes.
func startController(t *testing.T, bins string, c corev1.Container) *components.Process {
	t.Helper()
	pod := components.Pod{Name: "metallb-controller-0", Namespace: metallbNamespace, Node: "node-0", IP: "127.0.0.1"}
	createPod(t, pod)
	args, env, err := components.Command(c, pod,
		"--kubeconfig="+cluster.KubeConfig, "--namespace="+metallbNamespace,
		"--webhook-mode=disabled", "--disable-cert-rotation", "--pod-name="+pod.Name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := components.Start("controller", filepath.Join(bins, "controller"), args, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	if err := p.HoldProbes(probeURLs(t, c, "127.0.0.1"), time.Minute, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return p
}

// runSpeaker runs the speaker in a network namespace of its own, with the memberlist key that the
// controller created mounted where the render mounts it, and holds its probes there.
func runSpeaker(t *testing.T, bins string, c corev1.Container) {
	pod := components.Pod{Name: "metallb-speaker-0", Namespace: metallbNamespace, Node: "node-0", IP: "127.0.0.1"}
	createPod(t, pod)
	createNode(t, pod.Node)
	pod.Mounts = map[string]string{}
	for _, m := range c.VolumeMounts {
		dir := filepath.Join(t.TempDir(), m.Name)
		pod.Mounts[m.MountPath] = dir
		if m.Name == "memberlist" {
			mountSecret(t, "metallb-memberlist", dir)
		}
	}
	args, env, err := components.Command(c, pod, "--kubeconfig="+cluster.KubeConfig, "--namespace="+metallbNamespace)
	if err != nil {
		t.Fatal(err)
	}
	runInNetns(t, netnsRun{
		Name: "speaker", Bin: filepath.Join(bins, "speaker"), Args: args, Env: env,
		URLs: probeURLs(t, c, "127.0.0.1"), Ready: time.Minute, Hold: 10 * time.Second,
	})
}

// probeURLs are the URLs of the container's liveness and readiness probes.
func probeURLs(t *testing.T, c corev1.Container, host string) []string {
	t.Helper()
	var urls []string
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe} {
		u, err := components.ProbeURL(c, p, host)
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, u)
	}
	return urls
}

// mountSecret writes the Secret's keys as files into dir, as a secret volume would, once the Secret
// exists.
func mountSecret(t *testing.T, name, dir string) {
	t.Helper()
	var s corev1.Secret
	key := types.NamespacedName{Namespace: metallbNamespace, Name: name}
	eventually(t, time.Minute, "Secret "+name, func() bool { return cluster.Client.Get(t.Context(), key, &s) == nil })
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for k, v := range s.Data {
		if err := os.WriteFile(filepath.Join(dir, k), v, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func createPod(t *testing.T, p components.Pod) {
	t.Helper()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: p.Name},
		Spec:       corev1.PodSpec{NodeName: p.Node, Containers: []corev1.Container{{Name: "c", Image: "none"}}},
	}
	if err := cluster.Client.Create(t.Context(), pod); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

func createNode(t *testing.T, name string) {
	t.Helper()
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/os": "linux"}}}
	if err := cluster.Client.Create(t.Context(), node); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// noAllocationFailures fails on any AllocationFailed event of the controller.
func noAllocationFailures(t *testing.T) {
	t.Helper()
	var events corev1.EventList
	if err := cluster.Client.List(t.Context(), &events); err != nil {
		t.Fatal(err)
	}
	for _, e := range events.Items {
		if e.Reason == "AllocationFailed" {
			t.Errorf("%s %s/%s: %s", e.Reason, e.InvolvedObject.Namespace, e.InvolvedObject.Name, strings.TrimSpace(e.Message))
		}
	}
}

package components_test

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netops/netops/pkg/render"
)

const metallbNS = "metallb-system"

// notApplied are the kinds the tests leave out of a render: webhooks would make the API server call
// a Service (the controller runs with --webhook-mode=disabled). Deployments and DaemonSets are
// applied, as the controller reads its own, but nothing here starts their pods.
var notApplied = []string{"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}

// TestMetalLBRuns runs the real MetalLB controller and speaker with the args, env and ports of the
// built-in render, each in a network namespace of its own, and probes them as a kubelet would: both
// must stay up and every probe must answer 2xx.
func TestMetalLBRuns(t *testing.T) {
	bins := metallbBinaries(t)
	cfg, c := controlPlane(t)
	res := renderExample(t)
	cluster := clusterTarget(t, res)
	applyRender(t, c, cluster.Objects)
	node := createNode(t, c, "node-1")

	ctrl := startController(t, cfg, c, bins, cluster.Objects, "metallb-controller-test")
	speakerPod := newPod(t, podOf(t, cluster.Objects, "DaemonSet", metallbNS, "metallb-speaker"), "speaker", "metallb-speaker-test", metallbNS, node)
	speakerPod.create(t, c)
	speakerPod.fillSecret(t, c)
	kc := kubeconfig(t, cfg, t.TempDir())
	speaker := startInNetns(t, "speaker", filepath.Join(bins, "speaker"),
		append(speakerPod.container.Args, "--kubeconfig="+kc, "--namespace="+metallbNS),
		speakerPod.env(t), apiAddr(t, cfg), speakerPod.containerPorts())

	var wg sync.WaitGroup
	for _, run := range []struct {
		p  *pod
		ns *nsProcess
	}{{ctrl.pod, ctrl.ns}, {speakerPod, speaker}} {
		wg.Add(1)
		go func() { defer wg.Done(); probeFor(t, run.p, run.ns, 8*time.Second) }()
	}
	wg.Wait()
}

// probeFor waits out each probe's initial delay, then probes every second for d; the process must
// stay up and every answer be 2xx.
func probeFor(t *testing.T, p *pod, ns *nsProcess, d time.Duration) {
	probes := p.probes(t)
	delay := time.Duration(0)
	for _, pr := range probes {
		delay = max(delay, pr.delay)
	}
	time.Sleep(delay)
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Second) {
		if done, err := ns.exited(); done {
			t.Errorf("%s exited (%v); its log ends:\n%s", ns.name, err, ns.logTail())
			return
		}
		for _, pr := range probes {
			code, err := pr.get(ns)
			if err != nil || code/100 != 2 {
				t.Errorf("%s %s probe GET :%d%s: status %d, %v; its log ends:\n%s", ns.name, pr.kind, pr.port, pr.path, code, err, ns.logTail())
				return
			}
		}
	}
}

// controller is the real MetalLB controller, running.
type controller struct {
	pod *pod
	ns  *nsProcess
}

// startController runs the controller of the render out of cluster: its rendered args and env, plus
// the flags a pod does not need (the kubeconfig, the namespace, webhooks and certificates off).
func startController(t *testing.T, cfg *rest.Config, c client.Client, bins string, objs []*unstructured.Unstructured, podName string) *controller {
	t.Helper()
	p := newPod(t, podOf(t, objs, "Deployment", metallbNS, "metallb-controller"), "controller", podName, metallbNS, "node-1")
	p.create(t, c)
	kc := kubeconfig(t, cfg, t.TempDir())
	args := append(slices.Clone(p.container.Args), "--kubeconfig="+kc, "--namespace="+metallbNS,
		"--webhook-mode=disabled", "--disable-cert-rotation")
	ns := startInNetns(t, "controller", filepath.Join(bins, "controller"), args, p.env(t), apiAddr(t, cfg), p.containerPorts())
	return &controller{pod: p, ns: ns}
}

// apiAddr is host:port of the API server.
func apiAddr(t testing.TB, cfg *rest.Config) string {
	t.Helper()
	u, err := url.Parse(cfg.Host)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host == "" {
		return cfg.Host
	}
	return u.Host
}

func clusterTarget(t testing.TB, res *render.Result) *render.Target {
	t.Helper()
	for _, tg := range res.Targets {
		if tg.Site == "" {
			return tg
		}
	}
	t.Fatal("the render has no cluster target")
	return nil
}

// applyRender applies objs, less notApplied, by server-side apply: CRDs and namespaces first, then,
// once the CRDs are established, the rest.
func applyRender(t testing.TB, c client.Client, objs []*unstructured.Unstructured) {
	t.Helper()
	var first, rest []*unstructured.Unstructured
	for _, o := range objs {
		switch {
		case slices.Contains(notApplied, o.GetKind()):
		case o.GetKind() == "CustomResourceDefinition" || o.GetKind() == "Namespace":
			first = append(first, o)
		default:
			rest = append(rest, o)
		}
	}
	applyAll(t, c, first)
	for _, o := range first {
		if o.GetKind() == "CustomResourceDefinition" {
			waitEstablished(t, c, o.GetName())
		}
	}
	applyAll(t, c, rest)
}

func applyAll(t testing.TB, c client.Client, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, o := range objs {
		o = o.DeepCopy()
		if err := c.Patch(context.Background(), o, client.Apply, client.FieldOwner("netops-test"), client.ForceOwnership); err != nil {
			t.Fatalf("apply %s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
		}
	}
}

func waitEstablished(t testing.TB, c client.Client, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := c.Get(context.Background(), client.ObjectKey{Name: name}, crd); err == nil {
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("CRD %s is not established after 30s", name)
}

// createNode makes a Node for the speaker to run on, once.
func createNode(t testing.TB, c client.Client, name string) string {
	t.Helper()
	n := &corev1.Node{}
	n.Name = name
	n.Labels = map[string]string{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
	if err := c.Create(context.Background(), n); client.IgnoreAlreadyExists(err) != nil {
		t.Fatalf("create Node %s: %v", name, err)
	}
	return name
}

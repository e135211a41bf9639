package components_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// podOf is the pod template of the rendered Deployment or DaemonSet named kind/namespace/name.
func podOf(t testing.TB, objs []*unstructured.Unstructured, kind, ns, name string) corev1.PodTemplateSpec {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() != kind || o.GetNamespace() != ns || o.GetName() != name {
			continue
		}
		var spec struct {
			Spec struct {
				Template corev1.PodTemplateSpec `json:"template"`
			} `json:"spec"`
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &spec); err != nil {
			t.Fatalf("%s/%s/%s: %v", kind, ns, name, err)
		}
		return spec.Spec.Template
	}
	t.Fatalf("the render has no %s/%s/%s", kind, ns, name)
	return corev1.PodTemplateSpec{}
}

// pod is what a kubelet would give one container of a pod on this machine: its name, node, loopback
// as its IP, and a folder for each volume.
type pod struct {
	name, namespace, node string
	spec                  corev1.PodSpec
	container             corev1.Container
	mounts                map[string]string // mount path in the container to the folder here
}

func newPod(t testing.TB, tmpl corev1.PodTemplateSpec, container, name, ns, node string) *pod {
	t.Helper()
	p := &pod{name: name, namespace: ns, node: node, spec: tmpl.Spec, mounts: map[string]string{}}
	p.spec.NodeName = node
	found := false
	for _, c := range tmpl.Spec.Containers {
		if c.Name == container {
			p.container, found = c, true
		}
	}
	if !found {
		t.Fatalf("pod %s has no container %s", name, container)
	}
	root := t.TempDir()
	for _, m := range p.container.VolumeMounts {
		p.mounts[m.MountPath] = filepath.Join(root, m.Name)
		if err := os.MkdirAll(p.mounts[m.MountPath], 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// create makes the Pod object, which MetalLB reads for owner references and memberlist peers.
func (p *pod) create(t testing.TB, c client.Client) {
	t.Helper()
	obj := &corev1.Pod{Spec: p.spec}
	obj.Name, obj.Namespace = p.name, p.namespace
	obj.Labels = map[string]string{}
	if err := c.Create(context.Background(), obj); err != nil {
		t.Fatalf("create Pod %s/%s: %v", p.namespace, p.name, err)
	}
	obj.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "127.0.0.1", HostIP: "127.0.0.1"}
	if err := c.Status().Update(context.Background(), obj); err != nil {
		t.Fatalf("status of Pod %s/%s: %v", p.namespace, p.name, err)
	}
}

// env is the container's environment as the kubelet fills it in. A value that names a mount path
// names its folder here instead.
func (p *pod) env(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, e := range p.container.Env {
		v := e.Value
		if dir, ok := p.mounts[v]; ok {
			v = dir
		}
		if e.ValueFrom != nil {
			v = p.field(t, e)
		}
		out = append(out, e.Name+"="+v)
	}
	return out
}

func (p *pod) field(t testing.TB, e corev1.EnvVar) string {
	t.Helper()
	if e.ValueFrom.FieldRef == nil {
		t.Fatalf("env %s of %s: only fieldRef is filled in here", e.Name, p.name)
	}
	switch path := e.ValueFrom.FieldRef.FieldPath; path {
	case "metadata.name":
		return p.name
	case "metadata.namespace":
		return p.namespace
	case "spec.nodeName":
		return p.node
	case "status.hostIP", "status.podIP":
		return "127.0.0.1"
	default:
		t.Fatalf("env %s of %s: field %s is not filled in here", e.Name, p.name, path)
		return ""
	}
}

// fillSecret writes the keys of the Secret a volume names into that volume's folder, as the kubelet
// mounts it; it waits up to a minute for the Secret, which a component may create.
func (p *pod) fillSecret(t testing.TB, c client.Client) {
	t.Helper()
	for _, v := range p.spec.Volumes {
		if v.Secret == nil {
			continue
		}
		dir := p.mountOf(v.Name)
		if dir == "" {
			continue
		}
		s := waitSecret(t, c, p.namespace, v.Secret.SecretName)
		for k, b := range s.Data {
			if err := os.WriteFile(filepath.Join(dir, k), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (p *pod) mountOf(volume string) string {
	for _, m := range p.container.VolumeMounts {
		if m.Name == volume {
			return p.mounts[m.MountPath]
		}
	}
	return ""
}

func waitSecret(t testing.TB, c client.Client, ns, name string) *corev1.Secret {
	t.Helper()
	s := &corev1.Secret{}
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, s)
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("Secret %s/%s: %v", ns, name, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// containerPorts are the TCP ports the container declares.
func (p *pod) containerPorts() []int {
	var out []int
	for _, cp := range p.container.Ports {
		if cp.Protocol == "" || cp.Protocol == corev1.ProtocolTCP {
			out = append(out, int(cp.ContainerPort))
		}
	}
	return out
}

// probe is one HTTP probe of the container, with its port resolved.
type probe struct {
	kind    string // liveness or readiness
	path    string
	port    int
	host    string
	timeout time.Duration
	delay   time.Duration
}

func (p *pod) probes(t testing.TB) []probe {
	t.Helper()
	var out []probe
	for kind, pr := range map[string]*corev1.Probe{"liveness": p.container.LivenessProbe, "readiness": p.container.ReadinessProbe} {
		if pr == nil || pr.HTTPGet == nil {
			t.Fatalf("container %s has no HTTP %s probe", p.container.Name, kind)
		}
		out = append(out, probe{
			kind: kind, path: pr.HTTPGet.Path, port: p.portOf(t, pr.HTTPGet.Port.String()), host: pr.HTTPGet.Host,
			timeout: time.Duration(max(pr.TimeoutSeconds, 1)) * time.Second,
			delay:   time.Duration(pr.InitialDelaySeconds) * time.Second,
		})
	}
	return out
}

// portOf resolves a probe's port, a number or the name of a container port.
func (p *pod) portOf(t testing.TB, port string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(port, &n); err == nil {
		return n
	}
	for _, cp := range p.container.Ports {
		if cp.Name == port {
			return int(cp.ContainerPort)
		}
	}
	t.Fatalf("container %s: a probe names port %q, which it does not declare", p.container.Name, port)
	return 0
}

// get does one probe as the kubelet does: an HTTP GET, inside the component's namespace, to the
// probe's host (the pod IP, loopback here, when it names none).
func (pr probe) get(ns *nsProcess) (int, error) {
	host := pr.host
	if host == "" {
		host = "127.0.0.1"
	}
	if host != "127.0.0.1" {
		return 0, fmt.Errorf("probe host %s: only loopback is reachable in the namespace", host)
	}
	hc := &http.Client{Timeout: pr.timeout, Transport: &http.Transport{
		DialContext:       func(ctx context.Context, _, _ string) (net.Conn, error) { return ns.dial(ctx, pr.port) },
		DisableKeepAlives: true,
	}}
	resp, err := hc.Get(fmt.Sprintf("http://%s:%d%s", host, pr.port, pr.path))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

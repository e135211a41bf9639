package components

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Pod is what a kubelet would give a container's process out of cluster: the names and addresses
// that the downward API fills in, and where each volume is mounted instead of its mount path.
type Pod struct {
	Name, Namespace, Node, IP string
	Mounts                    map[string]string // mount path in the container -> a folder here
}

// Command is the container's args and env as the pod would run them, with extra flags appended.
// A flag given twice takes its last value, so extra flags override the rendered ones.
func Command(c corev1.Container, pod Pod, extra ...string) (args, env []string, err error) {
	args = append(append([]string{}, c.Args...), extra...)
	for _, e := range c.Env {
		v, err := pod.value(e)
		if err != nil {
			return nil, nil, fmt.Errorf("container %s: env %s: %w", c.Name, e.Name, err)
		}
		env = append(env, e.Name+"="+pod.remap(v))
	}
	return args, env, nil
}

func (p Pod) value(e corev1.EnvVar) (string, error) {
	if e.ValueFrom == nil {
		return e.Value, nil
	}
	if e.ValueFrom.FieldRef == nil {
		return "", fmt.Errorf("only fieldRef is filled in out of cluster")
	}
	switch path := e.ValueFrom.FieldRef.FieldPath; path {
	case "metadata.name":
		return p.Name, nil
	case "metadata.namespace":
		return p.Namespace, nil
	case "spec.nodeName":
		return p.Node, nil
	case "status.hostIP", "status.podIP":
		return p.IP, nil
	default:
		return "", fmt.Errorf("field %s is not filled in out of cluster", path)
	}
}

// remap turns a path under a volume's mount path into the same path under its folder here.
func (p Pod) remap(v string) string {
	for mount, dir := range p.Mounts {
		if v == mount || strings.HasPrefix(v, mount+"/") {
			return filepath.Join(dir, strings.TrimPrefix(v, mount))
		}
	}
	return v
}

// ProbeURL is the URL a kubelet would GET for an httpGet probe of the container, on host.
func ProbeURL(c corev1.Container, p *corev1.Probe, host string) (string, error) {
	if p == nil || p.HTTPGet == nil {
		return "", fmt.Errorf("container %s has no httpGet probe", c.Name)
	}
	port := p.HTTPGet.Port.IntValue()
	if name := p.HTTPGet.Port.StrVal; name != "" {
		port = 0
		for _, cp := range c.Ports {
			if cp.Name == name {
				port = int(cp.ContainerPort)
			}
		}
		if port == 0 {
			return "", fmt.Errorf("container %s: probe port %q names no container port", c.Name, name)
		}
	}
	return fmt.Sprintf("http://%s:%d%s", host, port, p.HTTPGet.Path), nil
}

// environ is this process's environment without what would lead a component to a cluster other than
// the test's, followed by env.
func environ(env []string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBERNETES_") && !strings.HasPrefix(kv, "KUBECONFIG=") {
			out = append(out, kv)
		}
	}
	return append(out, env...)
}

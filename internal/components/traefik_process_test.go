package components_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/internal/components"
)

// traefikProcess is one Traefik instance run out of cluster with its rendered args.
type traefikProcess struct {
	*components.Process
	ports map[int64]int // the loopback port of each container port
}

// The rendered entrypoint args: --entryPoints.NAME.address=:PORT/tcp.
var entryPointArg = regexp.MustCompile(`^(--entryPoints\.[A-Za-z0-9_-]+\.address=):(\d+)(/\w+)?$`)

// traefikArgs rewrites the rendered args only where a run out of cluster must: each entrypoint
// listens on a free loopback port, each Kubernetes provider reaches the test API server with the
// service account's token, and the API is served on the traefik entrypoint so the test can read it.
func traefikArgs(t *testing.T, rendered []string, endpoint, token, caFile string) ([]string, map[int64]int) {
	t.Helper()
	ports := map[int64]int{}
	var out []string
	for _, a := range rendered {
		m := entryPointArg.FindStringSubmatch(a)
		if m == nil {
			out = append(out, a)
			continue
		}
		port, err := strconv.ParseInt(m[2], 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		ports[port] = freePort(t)
		out = append(out, fmt.Sprintf("%s127.0.0.1:%d%s", m[1], ports[port], m[3]))
	}
	for _, p := range []string{"kubernetesCRD", "kubernetesIngress"} {
		out = append(out,
			"--providers."+p+".endpoint="+endpoint,
			"--providers."+p+".token="+token,
			"--providers."+p+".certAuthFilePath="+caFile)
	}
	return append(out, "--api.insecure=true"), ports
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startTraefik runs the binary with args and stops it, by its PID, when the test ends.
func startTraefik(t *testing.T, bin string, args []string, ports map[int64]int) *traefikProcess {
	t.Helper()
	proc, err := components.Start("traefik", bin, args, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proc.Stop)
	return &traefikProcess{Process: proc, ports: ports}
}

// get fetches path from the loopback port of a container port, as a kubelet probe would.
func (p *traefikProcess) get(containerPort int64, path string) (int, []byte, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", p.ports[containerPort], path))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// probe waits until the container's probe answers 2xx, or fails after 30 s.
func (p *traefikProcess) probe(t *testing.T, name string, probe map[string]any) {
	t.Helper()
	path, _, _ := unstructured.NestedString(probe, "httpGet", "path")
	port, _, _ := unstructured.NestedInt64(probe, "httpGet", "port")
	if path == "" || p.ports[port] == 0 {
		t.Fatalf("%s: the probe %v is not an HTTP GET on an entrypoint's port", name, probe)
	}
	var last string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		code, body, err := p.get(port, path)
		if err == nil && code/100 == 2 {
			return
		}
		last = fmt.Sprintf("%d %s %v", code, body, err)
	}
	t.Fatalf("%s: GET :%d%s did not answer 2xx within 30 s (last: %s)\n%s", name, port, path, last, p.Tail(3000))
}

// router is the part of an entry of Traefik's /api/http/routers that the test reads.
type router struct {
	Name     string `json:"name"`
	Rule     string `json:"rule"`
	Provider string `json:"provider"`
	Status   string `json:"status"`
}

func (p *traefikProcess) routers(apiPort int64) ([]router, error) {
	code, body, err := p.get(apiPort, "/api/http/routers")
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET /api/http/routers: %d %s", code, body)
	}
	var out []router
	return out, json.Unmarshal(body, &out)
}

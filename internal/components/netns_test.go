package components_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/netops/netops/internal/components"
)

// netnsChild names the variable that makes the test binary the process inside a network namespace:
// it brings up the namespace's loopback, serves the API server's port there through a Unix socket
// that the test serves outside, runs the component and probes it.
const netnsChild = "NETOPS_COMPONENTS_NETNS_CHILD"

// netnsRun is what the process inside the namespace runs and probes.
type netnsRun struct {
	Name, Bin   string
	Args, Env   []string
	URLs        []string
	Listen      string // the API server's host:port, served inside the namespace
	Socket      string // the Unix socket that reaches the API server outside
	Ready, Hold time.Duration
}

// runInNetns runs a component in a network namespace of its own, which holds nothing but a loopback
// interface: whatever the component announces or sends can reach no network.
func runInNetns(t *testing.T, r netnsRun) {
	t.Helper()
	u, err := url.Parse(cluster.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	r.Listen = u.Host
	r.Socket = filepath.Join(t.TempDir(), "api.sock")
	l, err := net.Listen("unix", r.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go forward(l, func() (net.Conn, error) { return net.Dial("tcp", u.Host) })

	spec, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "unshare", "--net", os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), netnsChild+"="+string(spec))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s in a network namespace: %v\n%s", r.Name, err, out)
	}
}

// runInNetns is the process inside the namespace: its exit code is the test's verdict.
func runInNetnsChild(spec string) int {
	if err := inNetns(spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func inNetns(spec string) error {
	var r netnsRun
	if err := json.Unmarshal([]byte(spec), &r); err != nil {
		return err
	}
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		return fmt.Errorf("ip link set lo up: %v: %s", err, out)
	}
	l, err := net.Listen("tcp", r.Listen)
	if err != nil {
		return err
	}
	defer l.Close()
	go forward(l, func() (net.Conn, error) { return net.Dial("unix", r.Socket) })
	p, err := components.Start(r.Name, r.Bin, r.Args, r.Env)
	if err != nil {
		return err
	}
	defer p.Stop()
	return p.HoldProbes(r.URLs, r.Ready, r.Hold)
}

// forward copies each connection that l accepts to and from a connection that dial makes.
func forward(l net.Listener, dial func() (net.Conn, error)) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			out, err := dial()
			if err != nil {
				return
			}
			defer out.Close()
			go func() { _, _ = io.Copy(out, in) }()
			_, _ = io.Copy(in, out)
		}()
	}
}

package components_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A component runs in a network namespace of its own, made by `unshare -n`, so that it can touch
// no real network and its fixed ports meet nothing else on this machine. The test binary itself is
// the first process in the namespace (the helper): it brings loopback up, bridges TCP addresses
// inside the namespace to Unix sockets outside (a socket file is reachable from both sides), and
// starts the component.
const (
	helperEnv  = "NETOPS_NETNS_HELPER"  // the path of ip(8)
	inwardEnv  = "NETOPS_NETNS_INWARD"  // tcp-address=socket,...: listen inside, dial out to the socket
	outwardEnv = "NETOPS_NETNS_OUTWARD" // socket=tcp-address,...: listen on the socket, dial inside
)

// nsProcess is a component running in its own network namespace.
type nsProcess struct {
	name string
	cmd  *exec.Cmd
	dir  string // holds the sockets and the log
	done chan error
}

// startInNetns runs bin with args and env in a new network namespace. Inside it, api (host:port of
// the API server) reaches the API server, and each of ports can be dialled from outside with dial.
func startInNetns(t testing.TB, name, bin string, args, env []string, api string, ports []int) *nsProcess {
	t.Helper()
	dir, err := os.MkdirTemp("", "netops-ns-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	apiSock := filepath.Join(dir, "api.sock")
	stopBridge := bridgeOut(t, apiSock, api)
	t.Cleanup(stopBridge)
	var outward []string
	for _, p := range ports {
		outward = append(outward, fmt.Sprintf("%s=127.0.0.1:%d", portSocket(dir, p), p))
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("unshare", append([]string{"-n", "--", self, "--", bin}, args...)...)
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Fatalf("the network namespace needs ip(8) to bring loopback up: %v", err)
	}
	cmd.Env = append(env, helperEnv+"="+ip, inwardEnv+"="+api+"="+apiSock, outwardEnv+"="+strings.Join(outward, ","))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s in a network namespace: %v", name, err)
	}
	p := &nsProcess{name: name, cmd: cmd, dir: dir, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); log.Close() }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("%s log ends:\n%s", name, p.logTail())
		}
	})
	return p
}

func portSocket(dir string, port int) string {
	return filepath.Join(dir, fmt.Sprintf("port-%d.sock", port))
}

// dial connects to port inside the namespace, through the helper.
func (p *nsProcess) dial(ctx context.Context, port int) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", portSocket(p.dir, port))
}

// exited says whether the component has stopped, and how.
func (p *nsProcess) exited() (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err
		return true, err
	default:
		return false, nil
	}
}

// logTail is the end of what the component wrote, for a failure message.
func (p *nsProcess) logTail() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "log"))
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// stop ends the helper, by its PID, which ends the component.
func (p *nsProcess) stop() {
	if done, _ := p.exited(); done {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// bridgeOut listens on the socket and passes each connection to addr.
func bridgeOut(t testing.TB, socket, addr string) func() {
	t.Helper()
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	go serve(l, "tcp", addr)
	return func() { l.Close() }
}

// serve passes each connection l accepts to network/addr, until l is closed.
func serve(l net.Listener, network, addr string) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go pipe(c, network, addr)
	}
}

func pipe(c net.Conn, network, addr string) {
	defer c.Close()
	up, err := net.DialTimeout(network, addr, 5*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	go func() { _, _ = io.Copy(up, c); closeWrite(up) }()
	_, _ = io.Copy(c, up)
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

// runHelper is the test binary run inside the namespace: os.Args holds "--", the binary and its args.
func runHelper() int {
	if err := helper(); err != nil {
		fmt.Fprintln(os.Stderr, "netns helper:", err)
		return 1
	}
	return 0
}

func helper() error {
	if len(os.Args) < 3 || os.Args[1] != "--" {
		return errors.New("usage: -- BINARY ARGS...")
	}
	if out, err := exec.Command(os.Getenv(helperEnv), "link", "set", "lo", "up").CombinedOutput(); err != nil {
		return fmt.Errorf("ip link set lo up: %v: %s", err, out)
	}
	if err := listenAll(os.Getenv(inwardEnv), "tcp", "unix"); err != nil {
		return err
	}
	if err := listenAll(os.Getenv(outwardEnv), "unix", "tcp"); err != nil {
		return err
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Env = componentEnv()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; _ = cmd.Process.Signal(syscall.SIGTERM) }()
	return cmd.Wait()
}

// listenAll listens, for each from=to pair of spec, on from (of network ln) and passes each
// connection to to (of network dn).
func listenAll(spec, ln, dn string) error {
	for _, pair := range strings.Split(spec, ",") {
		if pair == "" {
			continue
		}
		i := strings.LastIndex(pair, "=")
		if ln == "tcp" {
			i = strings.Index(pair, "=")
		}
		if i < 0 {
			return fmt.Errorf("bad bridge %q", pair)
		}
		l, err := net.Listen(ln, pair[:i])
		if err != nil {
			return err
		}
		go serve(l, dn, pair[i+1:])
	}
	return nil
}

// componentEnv is the helper's environment less its own variables.
func componentEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NETOPS_NETNS_") {
			out = append(out, kv)
		}
	}
	return out
}

package components

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Process is a component running as a local process, with what it writes kept for the error
// messages.
type Process struct {
	Name string
	cmd  *exec.Cmd
	out  *output
	done chan struct{}
	err  error // how it ended, once done is closed
}

type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// Tail is the last n bytes the process wrote.
func (p *Process) Tail(n int) string {
	p.out.mu.Lock()
	defer p.out.mu.Unlock()
	b := p.out.buf.Bytes()
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Start runs the binary with args and env (on top of this process's environment, without the
// variables that name a cluster).
func Start(name, bin string, args, env []string) (*Process, error) {
	p := &Process{Name: name, out: &output{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = environ(env)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// Stop ends the process by its PID: SIGTERM, then SIGKILL after five seconds.
func (p *Process) Stop() {
	if done, _ := p.Exited(); done {
		return
	}
	_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// HoldProbes probes the URLs as a kubelet would: it waits up to ready for every one to answer 2xx,
// then asks them all every half second for hold, and fails on the first answer that is not 2xx, or
// when the process ends.
func (p *Process) HoldProbes(urls []string, ready, hold time.Duration) error {
	client := &http.Client{Timeout: time.Second} // a probe's default timeoutSeconds
	deadline := time.Now().Add(ready)
	for {
		err := p.probeAll(client, urls)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %s: %v\n%s", p.Name, ready, err, p.Tail(3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	for end := time.Now().Add(hold); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
		if err := p.probeAll(client, urls); err != nil {
			return fmt.Errorf("%s stopped answering its probes: %v\n%s", p.Name, err, p.Tail(3000))
		}
	}
	return nil
}

func (p *Process) probeAll(client *http.Client, urls []string) error {
	if done, err := p.Exited(); done {
		return fmt.Errorf("%s exited (%v)", p.Name, err)
	}
	for _, u := range urls {
		resp, err := client.Get(u)
		if err != nil {
			return fmt.Errorf("GET %s: %v", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return fmt.Errorf("GET %s: %s", u, resp.Status)
		}
	}
	return nil
}

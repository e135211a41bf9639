package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// installChromium is how to get the browser that the report's browser test runs.
const installChromium = "apt-get install -y --no-install-recommends chromium fonts-dejavu-core"

// visit is what headless Chromium saw of a page: its DOM once loaded, a screenshot of the first
// 1400×2000 pixels, and every request the page made, its own included.
type visit struct {
	dom        string
	screenshot []byte
	requests   []string // the URLs, in order
	served     []string // what the loopback server was asked for, Chromium's own requests included
}

// visitPage serves page on loopback and opens it in one headless Chromium, which it drives through
// the DevTools protocol: the page's own network events say which requests the page made, apart from
// those the browser makes for itself (component updates, network time). The loopback server is also
// Chromium's proxy for every host and no name resolves, so that no request leaves the machine.
func visitPage(t *testing.T, page []byte) visit {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed, and the report's browser test needs it: %s", installChromium)
	}
	rec := &recorder{page: page}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	v, err := browse(ctx, t, bin, srv.Listener.Addr().String(), srv.URL+"/report.html")
	if err != nil {
		t.Fatal(err)
	}
	v.served = rec.list()
	return v
}

// browse starts Chromium with the DevTools protocol on a pipe, visits url and closes it again.
func browse(ctx context.Context, t *testing.T, bin, proxy, url string) (visit, error) {
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--proxy-server=http://"+proxy, "--proxy-bypass-list=<-loopback>",
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--hide-scrollbars",
		"--window-size=1400,2000", "--remote-debugging-pipe", "about:blank")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 10 * time.Second
	c, err := startCDP(cmd)
	if err != nil {
		return visit{}, fmt.Errorf("starting chromium: %w", err)
	}
	v, err := c.visit(url)
	if err == nil {
		err = c.call("", "Browser.close", nil, nil)
	}
	if werr := cmd.Wait(); err == nil && werr != nil {
		err = werr
	}
	if err != nil {
		return visit{}, fmt.Errorf("chromium: %w\n%s", err, stderr.String())
	}
	return v, nil
}

// cdp is a DevTools protocol connection over --remote-debugging-pipe: Chromium reads commands on its
// file descriptor 3 and writes answers and events on 4, each message a JSON object ending in a NUL.
type cdp struct {
	w      io.Writer
	r      *bufio.Reader
	lastID int
	events []cdpMessage // events read while waiting for an answer
}

type cdpMessage struct {
	ID        int             `json:"id"`
	SessionID string          `json:"sessionId"`
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
	Result    json.RawMessage `json:"result"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func startCDP(cmd *exec.Cmd) (*cdp, error) {
	in, toChromium, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	fromChromium, out, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{in, out}
	err = cmd.Start()
	in.Close()
	out.Close()
	if err != nil {
		return nil, err
	}
	return &cdp{w: toChromium, r: bufio.NewReader(fromChromium)}, nil
}

// visit opens url in a new page of 1400×2000 pixels and waits for its load event.
func (c *cdp) visit(url string) (visit, error) {
	var target struct{ TargetID string }
	var attached struct{ SessionID string }
	err := c.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	if err == nil {
		err = c.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	}
	s := attached.SessionID
	for _, cmd := range []struct {
		method string
		params any
	}{
		{"Network.enable", nil}, {"Page.enable", nil},
		{"Emulation.setDeviceMetricsOverride", map[string]any{"width": 1400, "height": 2000, "deviceScaleFactor": 1, "mobile": false}},
		{"Page.navigate", map[string]any{"url": url}},
	} {
		if err == nil {
			err = c.call(s, cmd.method, cmd.params, nil)
		}
	}
	if err == nil {
		err = c.waitFor(s, "Page.loadEventFired")
	}
	if err != nil {
		return visit{}, err
	}
	return c.capture(s)
}

// capture reads the page's DOM, screenshot and requests.
func (c *cdp) capture(session string) (visit, error) {
	var dom struct{ Result struct{ Value string } }
	var shot struct{ Data string }
	err := c.call(session, "Runtime.evaluate", map[string]any{"expression": "document.documentElement.outerHTML", "returnByValue": true}, &dom)
	if err == nil {
		err = c.call(session, "Page.captureScreenshot", map[string]any{"format": "png"}, &shot)
	}
	if err != nil {
		return visit{}, err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	return visit{dom: dom.Result.Value, screenshot: png, requests: c.requests(session)}, err
}

// requests lists the URLs the page asked for, from its Network.requestWillBeSent events.
func (c *cdp) requests(session string) []string {
	var out []string
	for _, e := range c.events {
		var p struct{ Request struct{ URL string } }
		if e.SessionID == session && e.Method == "Network.requestWillBeSent" && json.Unmarshal(e.Params, &p) == nil {
			out = append(out, p.Request.URL)
		}
	}
	return out
}

// call sends a command and reads until its answer, keeping the events that come before it.
func (c *cdp) call(session, method string, params, result any) error {
	c.lastID++
	msg := map[string]any{"id": c.lastID, "method": method}
	if session != "" {
		msg["sessionId"] = session
	}
	if params != nil {
		msg["params"] = params
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := c.w.Write(append(b, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	for {
		m, err := c.read()
		switch {
		case err != nil:
			return fmt.Errorf("%s: %w", method, err)
		case m.ID != c.lastID:
			c.events = append(c.events, m)
		case m.Error != nil:
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		case result != nil:
			return json.Unmarshal(m.Result, result)
		default:
			return nil
		}
	}
}

// waitFor reads until an event of a session, unless one came already.
func (c *cdp) waitFor(session, method string) error {
	for _, e := range c.events {
		if e.SessionID == session && e.Method == method {
			return nil
		}
	}
	for {
		m, err := c.read()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", method, err)
		}
		c.events = append(c.events, m)
		if m.SessionID == session && m.Method == method {
			return nil
		}
	}
}

func (c *cdp) read() (cdpMessage, error) {
	b, err := c.r.ReadBytes(0)
	if err != nil {
		return cdpMessage{}, err
	}
	var m cdpMessage
	return m, json.Unmarshal(b[:len(b)-1], &m)
}

// recorder serves one page at /report.html of its loopback address, records every request, and
// answers every other one, such as those it gets as a proxy, with 404.
type recorder struct {
	page []byte
	mu   sync.Mutex
	got  []string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.got = append(rec.got, r.Method+" "+requestURL(r))
	rec.mu.Unlock()
	if r.Method == http.MethodGet && r.URL.Path == "/report.html" && strings.HasPrefix(r.Host, "127.0.0.1:") {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(rec.page)
		return
	}
	http.NotFound(w, r)
}

func (rec *recorder) list() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.got...)
}

// requestURL is the URL a request asked for: a proxy gets the whole URL, or a host for CONNECT.
func requestURL(r *http.Request) string {
	switch {
	case r.Method == http.MethodConnect:
		return r.Host
	case r.URL.IsAbs():
		return r.URL.String()
	}
	return "http://" + r.Host + r.URL.RequestURI()
}

// TestReportBrowserSeesRequests checks the browser test's harness on a page that loads a style sheet, a script and an
// image from other hosts: the page is seen asking for each, and none of them leaves the machine.
func TestReportBrowserSeesRequests(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>canary</title>` +
		`<link rel="stylesheet" href="https://fonts.example.com/a.css"><script src="http://cdn.example.com/x.js"></script></head>` +
		`<body><p id="canary">canary</p><img src="http://cdn.example.com/logo.png"></body></html>`
	v := visitPage(t, []byte(page))
	if !strings.Contains(v.dom, `<p id="canary">canary</p>`) {
		t.Errorf("the DOM lacks the page:\n%s", v.dom)
	}
	got := strings.Join(v.requests, "\n")
	for _, want := range []string{"/report.html", "https://fonts.example.com/a.css", "http://cdn.example.com/x.js", "http://cdn.example.com/logo.png"} {
		if !strings.Contains(got, want) {
			t.Errorf("the page's requests lack %s:\n%s", want, got)
		}
	}
	served := strings.Join(v.served, "\n")
	for _, want := range []string{"CONNECT fonts.example.com:443", "GET http://cdn.example.com/x.js"} {
		if !strings.Contains(served, want) {
			t.Errorf("the proxy was not asked for %s:\n%s", want, served)
		}
	}
}

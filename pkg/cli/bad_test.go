package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/netops/netops/pkg/cli"
)

// canary is the secret value that the bad cases put where a secret goes: it must never be printed or
// written.
const canary = "CANARY-4f1c-secret"

// The bounds of one bad case: each must end well within them.
const (
	caseTime  = 30 * time.Second
	caseBytes = 1 << 30 // allocated by the run
)

// TestBadRepos runs netops on every careless or hostile repo in testdata/bad. Each case is a txtar
// archive of files laid over a copy of examples/homelab, with a header of directives (see badCase),
// and asserts the exit code, the file:line and message in the output, no panic, an end in bounded
// time and memory, and no canary in stdout, stderr or any written file.
func TestBadRepos(t *testing.T) {
	paths, err := filepath.Glob("testdata/bad/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases in testdata/bad: %v", err)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			c := readCase(t, p)
			repo := c.build(t)
			c.check(t, repo, c.run(t, repo))
		})
	}
}

// badCase is one case of the corpus. Its header lines are directives:
//
//	cmd: validate                 the command; --repo is added
//	exit: 1                       the exit code
//	want: sites/home.yaml:12      a text the output must hold (any number)
//	empty                         start from an empty folder instead of examples/homelab
//	replace: FILE|OLD|NEW         replace the one OLD in FILE by NEW (\n for a newline)
//	gen: FILE KIND N               generate FILE: brackets, keys, flowkeys, docs or bytes, N of them
//	fifo: FILE / mkdir: FILE / symlink: FILE TARGET
//	git                           commit the repo with the git CLI before the run
//	env: NAME=VALUE
type badCase struct {
	path  string
	cmd   []string
	exit  int
	want  []string
	dirs  [][]string // the other directives, in order
	files []txtar.File
	empty bool
	git   bool
	env   []string
}

func readCase(t *testing.T, path string) *badCase {
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &badCase{path: path, exit: -1, files: a.Files}
	for n, line := range strings.Split(string(a.Comment), "\n") {
		key, val, _ := strings.Cut(strings.TrimSpace(line), ":")
		val = strings.TrimSpace(val)
		switch key {
		case "", "#":
		case "cmd":
			c.cmd = strings.Fields(val)
		case "exit":
			c.exit, err = strconv.Atoi(val)
		case "want":
			c.want = append(c.want, val)
		case "empty":
			c.empty = true
		case "git":
			c.git = true
		case "env":
			c.env = append(c.env, val)
		case "replace", "gen", "fifo", "mkdir", "symlink":
			c.dirs = append(c.dirs, []string{key, val})
		default:
			if !strings.HasPrefix(key, "#") {
				t.Fatalf("%s:%d: unknown directive %q", path, n+1, key)
			}
		}
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n+1, err)
		}
	}
	if len(c.cmd) == 0 || c.exit < 0 || len(c.want) == 0 {
		t.Fatalf("%s: a case needs cmd:, exit: and want:", path)
	}
	return c
}

// build makes the case's repo in a temporary folder.
func (c *badCase) build(t *testing.T) string {
	repo := t.TempDir()
	if !c.empty {
		if err := os.CopyFS(repo, os.DirFS(example)); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range c.files {
		writeFile(t, repo, f.Name, string(f.Data))
	}
	for _, d := range c.dirs {
		if err := setUp(repo, d[0], d[1]); err != nil {
			t.Fatalf("%s: %s: %v", c.path, d[0], err)
		}
	}
	if c.git {
		git(t, repo, "init", "-q", "-b", "main")
		commitAll(t, repo, "bad case")
	}
	return repo
}

func setUp(repo, key, val string) error {
	f := strings.Fields(val)
	switch key {
	case "replace":
		parts := strings.SplitN(val, "|", 3)
		if len(parts) != 3 {
			return fmt.Errorf("want FILE|OLD|NEW")
		}
		return replaceOnce(filepath.Join(repo, parts[0]), unescape(parts[1]), unescape(parts[2]))
	case "gen":
		return generate(repo, f)
	case "fifo":
		return syscall.Mkfifo(filepath.Join(repo, val), 0o644)
	case "mkdir":
		return os.MkdirAll(filepath.Join(repo, val), 0o755)
	case "symlink":
		return os.Symlink(f[1], filepath.Join(repo, f[0]))
	}
	return fmt.Errorf("unknown directive")
}

func unescape(s string) string { return strings.ReplaceAll(s, `\n`, "\n") }

func replaceOnce(path, old, new string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if bytes.Count(b, []byte(old)) != 1 {
		return fmt.Errorf("%q is not in %s exactly once", old, path)
	}
	return os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644)
}

// generate writes a big input from a small directive: "FILE KIND N", after the header of a Network.
func generate(repo string, f []string) error {
	if len(f) < 3 {
		return fmt.Errorf("want FILE KIND N")
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return err
	}
	var b bytes.Buffer
	header := "apiVersion: netops.dev/v1alpha1\nkind: Service\nname: big\n"
	switch f[1] {
	case "brackets":
		b.WriteString(header + "description: ")
		b.WriteString(strings.Repeat("[", n) + strings.Repeat("]", n) + "\n")
	case "keys":
		b.WriteString(header)
		for i := range n {
			fmt.Fprintf(&b, "unknown%d: x\n", i)
		}
	case "flowkeys":
		b.WriteString("{apiVersion: netops.dev/v1alpha1, kind: Service, name: big")
		for i := range n {
			fmt.Fprintf(&b, ", k%d: x", i)
		}
		b.WriteString("}\n")
	case "docs":
		for i := range n {
			fmt.Fprintf(&b, "---\napiVersion: netops.dev/v1alpha1\nkind: Exception\nname: e%d\n", i)
		}
	case "bytes":
		b.WriteString(header + "description: ")
		b.WriteString(strings.Repeat("x", n) + "\n")
	default:
		return fmt.Errorf("unknown kind %q", f[1])
	}
	return os.WriteFile(filepath.Join(repo, f[0]), b.Bytes(), 0o644)
}

// run runs the case's command in-process within its bounds, recovering a panic as a failure.
func (c *badCase) run(t *testing.T, repo string) badResult {
	for _, e := range c.env {
		k, v, _ := strings.Cut(e, "=")
		t.Setenv(k, v)
	}
	out := filepath.Join(t.TempDir(), "out")
	args := make([]string, 0, len(c.cmd)+2)
	for _, a := range c.cmd {
		args = append(args, strings.ReplaceAll(a, "$OUT", out))
	}
	args = append(args, "--repo", repo)
	ctx, cancel := context.WithTimeout(context.Background(), caseTime)
	defer cancel()
	done := make(chan result, 1)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Sprintf("panic: %v", r), code: -1}
			}
		}()
		done <- runIn(ctx, args)
	}()
	var r badResult
	select {
	case r.result = <-done:
	case <-time.After(caseTime + 5*time.Second):
		t.Fatalf("%s: still running after %s", c.path, caseTime)
	}
	runtime.ReadMemStats(&after)
	if used := after.TotalAlloc - before.TotalAlloc; used > caseBytes {
		t.Errorf("%s: allocated %d MB, more than %d MB", c.path, used>>20, caseBytes>>20)
	}
	if took := time.Since(start); took > caseTime {
		t.Errorf("%s: took %s", c.path, took)
	}
	r.files = readTree(t, out)
	return r
}

func runIn(ctx context.Context, args []string) result {
	var out, errOut bytes.Buffer
	err := cli.Run(ctx, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut}, args)
	if err != nil && !cli.Silent(err) {
		errOut.WriteString("netops: " + err.Error() + "\n")
	}
	return result{out: out.String(), err: errOut.String(), code: cli.ExitCode(err)}
}

// readTree returns every file written under dir, joined.
func readTree(t *testing.T, dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			b.Write(data)
		}
		return nil
	})
	return b.String()
}

// badResult is what a case's run printed, and every file it wrote.
type badResult struct {
	result
	files string
}

func (c *badCase) check(t *testing.T, repo string, r badResult) {
	all := strings.ReplaceAll(r.out+r.err, repo+string(filepath.Separator), "")
	shown := all
	if len(shown) > 3000 {
		shown = shown[:3000] + "…"
	}
	if strings.Contains(all, "panic") || strings.Contains(all, "goroutine ") {
		t.Errorf("%s: panicked:\n%s", c.path, shown)
	}
	if r.code != c.exit {
		t.Errorf("%s: exit code %d, want %d\n%s", c.path, r.code, c.exit, shown)
	}
	for _, w := range c.want {
		if !strings.Contains(all, w) {
			t.Errorf("%s: output lacks %q:\n%s", c.path, w, shown)
		}
	}
	for name, s := range map[string]string{"stdout": r.out, "stderr": r.err, "a written file": r.files} {
		if strings.Contains(s, canary) {
			t.Errorf("%s: the secret canary is in %s", c.path, name)
		}
	}
}

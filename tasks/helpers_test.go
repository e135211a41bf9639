package tasks_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"

	"github.com/netops/netops/tasks/internal/manifests"
	"github.com/netops/netops/tasks/internal/runner"
)

// netopsImage is the image every task's image param defaults to.
const netopsImage = "ghcr.io/netops/netops:latest"

var build struct {
	mkdir, once sync.Once
	dir         string
	err         error // making dir
	buildErr    error // building netops
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// buildDir is the test binary's own scratch folder, removed when its tests end.
func buildDir(t *testing.T) string {
	t.Helper()
	build.mkdir.Do(func() { build.dir, build.err = os.MkdirTemp("", "netops-tasks-") })
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.dir
}

// netopsDir builds cmd/netops once for the test binary and returns the folder that holds it.
func netopsDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(buildDir(t), "bin")
	build.once.Do(func() {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "netops"), "./cmd/netops")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			build.buildErr = fmt.Errorf("go build ./cmd/netops: %v\n%s", err, out)
		}
	})
	if build.buildErr != nil {
		t.Fatal(build.buildErr)
	}
	return dir
}

// objects are every YAML document under tasks/, decoded.
func objects(t *testing.T) []manifests.Object {
	t.Helper()
	objs, err := manifests.LoadAll(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// ofType are the values of the objects of type T.
func ofType[T any](objs []manifests.Object) []T {
	var out []T
	for _, o := range objs {
		if v, ok := o.Value.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// newRunner is a runner of the Tasks and Pipelines under tasks/, with a freshly built netops
// first on its PATH, and git-clone performed by the runner.
func newRunner(t *testing.T) *runner.Runner {
	t.Helper()
	objs := objects(t)
	r := &runner.Runner{
		Tasks:     map[string]*v1.Task{},
		Pipelines: map[string]*v1.Pipeline{},
		Builtins:  map[string]runner.Builtin{"git-clone": runner.GitClone()},
		Env: []string{
			"PATH=" + netopsDir(t) + string(os.PathListSeparator) + imageTools(t),
			"LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		},
		Dir: t.TempDir(),
		Log: testLog{t},
	}
	for _, task := range ofType[*v1.Task](objs) {
		r.Tasks[task.Name] = task
	}
	for _, p := range ofType[*v1.Pipeline](objs) {
		r.Pipelines[p.Name] = p
	}
	return r
}

var busybox struct {
	once sync.Once
	dir  string
	err  error
}

// imageTools is the PATH of the tools the netops image holds besides netops: busybox's
// applets, from this machine's busybox when it has one (Debian's busybox-static), so that the
// scripts run under the same shell and tools as in the image. Without busybox it is this
// machine's own sh, awk and the rest, which the scripts, kept to POSIX, also run under.
func imageTools(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("busybox")
	if err != nil {
		t.Log("busybox is not on PATH: the scripts run under this machine's sh and tools; apt-get install busybox-static to run them as in the image")
		return toolPath(t, "sh", "awk", "sed", "grep")
	}
	dir := filepath.Join(buildDir(t), "busybox")
	busybox.once.Do(func() {
		busybox.dir = dir
		if busybox.err = os.MkdirAll(busybox.dir, 0o755); busybox.err != nil {
			return
		}
		if out, err := exec.Command(bin, "--install", "-s", busybox.dir).CombinedOutput(); err != nil {
			busybox.err = fmt.Errorf("busybox --install: %v\n%s", err, out)
		}
	})
	if busybox.err != nil {
		t.Fatal(busybox.err)
	}
	return busybox.dir
}

// toolPath is a PATH that holds the tools a busybox-based image has, as this machine has them.
func toolPath(t *testing.T, tools ...string) string {
	t.Helper()
	seen := map[string]bool{}
	var dirs []string
	for _, tool := range tools {
		file, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s is not on PATH: %v", tool, err)
		}
		if dir := filepath.Dir(file); !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	for _, dir := range []string{"/usr/bin", "/bin"} {
		if !seen[dir] {
			dirs = append(dirs, dir)
		}
	}
	return strings.Join(dirs, string(os.PathListSeparator))
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// params turns a map into Tekton string params, in name order.
func params(m map[string]string) v1.Params {
	var ps v1.Params
	for k, v := range m {
		ps = append(ps, v1.Param{Name: k, Value: *v1.NewStructuredValues(v)})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	return ps
}

func taskRun(name, task string, ps map[string]string) *v1.TaskRun {
	tr := &v1.TaskRun{}
	tr.Name = name
	tr.Spec.TaskRef = &v1.TaskRef{Name: task}
	tr.Spec.Params = params(ps)
	return tr
}

// runTask runs a TaskRun and fails the test if it could not start.
func runTask(t *testing.T, r *runner.Runner, tr *v1.TaskRun, ws runner.Workspaces) *runner.TaskRun {
	t.Helper()
	got, err := r.RunTask(context.Background(), tr, ws)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// mustSucceed fails the test unless the TaskRun succeeded.
func mustSucceed(t *testing.T, tr *runner.TaskRun) {
	t.Helper()
	if !tr.Succeeded {
		t.Fatalf("TaskRun %s failed: %s\n%s", tr.Name, tr.Reason, tr.Output())
	}
}

// result is the value of a result the TaskRun must have written.
func result(t *testing.T, tr *runner.TaskRun, name string) v1.ResultValue {
	t.Helper()
	v, ok := tr.Result(name)
	if !ok {
		t.Fatalf("TaskRun %s wrote no result %q\n%s", tr.Name, name, tr.Output())
	}
	return v
}

// clone fills a workspace folder with a clone of repo at rev, in subdirectory "repo", as a
// pipeline's git-clone task would.
func clone(t *testing.T, r *runner.Runner, repo *gitRepo, rev string) string {
	t.Helper()
	ws := t.TempDir()
	got := runTask(t, r, taskRun("clone", "git-clone", map[string]string{"url": repo.url(), "revision": rev, "subdirectory": "repo"}), runner.Workspaces{"output": ws})
	mustSucceed(t, got)
	return ws
}

func itoa(n int) string { return fmt.Sprint(n) }

// testRun is the PipelineRun in a tests/run.yaml, with params overridden.
func testRun(t *testing.T, file string, set map[string]string) *v1.PipelineRun {
	t.Helper()
	objs, err := manifests.LoadFile(os.DirFS("."), file)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 {
		t.Fatalf("%s holds %d documents, want one PipelineRun", file, len(objs))
	}
	pr, ok := objs[0].Value.(*v1.PipelineRun)
	if !ok {
		t.Fatalf("%s holds a %T, want a PipelineRun", file, objs[0].Value)
	}
	return withParams(t, pr, set)
}

// withParams is pr with some params' values replaced; each must be one pr gives.
func withParams(t *testing.T, pr *v1.PipelineRun, set map[string]string) *v1.PipelineRun {
	t.Helper()
	pr = pr.DeepCopy()
	if pr.Name == "" {
		pr.Name = strings.TrimSuffix(pr.GenerateName, "-")
	}
	for name, value := range set {
		i := slices.IndexFunc(pr.Spec.Params, func(p v1.Param) bool { return p.Name == name })
		if i < 0 {
			t.Fatalf("PipelineRun %s has no param %q to set", pr.Name, name)
		}
		pr.Spec.Params[i].Value = *v1.NewStructuredValues(value)
	}
	return pr
}

// runPipeline runs a PipelineRun with each of its workspaces bound to a fresh folder, or to
// the folder ws gives it, and fails the test if it could not start.
func runPipeline(t *testing.T, r *runner.Runner, pr *v1.PipelineRun, ws runner.Workspaces) (*runner.PipelineRun, runner.Workspaces) {
	t.Helper()
	bound := runner.Workspaces{}
	for _, w := range pr.Spec.Workspaces {
		bound[w.Name] = t.TempDir()
		if dir, ok := ws[w.Name]; ok {
			bound[w.Name] = dir
		}
	}
	got, err := r.RunPipeline(context.Background(), pr, bound)
	if err != nil {
		t.Fatal(err)
	}
	return got, bound
}

// taskRunOf is the only TaskRun of a pipeline task.
func taskRunOf(t *testing.T, pr *runner.PipelineRun, task string) *runner.TaskRun {
	t.Helper()
	tr := pr.TaskRun(task)
	if tr == nil {
		t.Fatalf("pipeline task %s has %d TaskRuns, want one; skipped: %q", task, len(pr.TaskRuns[task]), pr.Skipped[task])
	}
	return tr
}

// readFile is a file's text, or a test failure.
func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

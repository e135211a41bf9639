package runner_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/tasks/internal/runner"
)

func newRunner(t *testing.T) *runner.Runner {
	t.Helper()
	return &runner.Runner{
		Tasks:     map[string]*v1.Task{},
		Pipelines: map[string]*v1.Pipeline{},
		Builtins:  map[string]runner.Builtin{"git-clone": runner.GitClone()},
		Env:       []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C"},
		Dir:       t.TempDir(),
		Log:       testWriter{t},
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func task(t *testing.T, doc string) *v1.Task {
	t.Helper()
	var task v1.Task
	if err := yaml.UnmarshalStrict([]byte(doc), &task); err != nil {
		t.Fatal(err)
	}
	return &task
}

func taskRun(name, task string, params map[string]string) *v1.TaskRun {
	tr := &v1.TaskRun{}
	tr.Name = name
	tr.Spec.TaskRef = &v1.TaskRef{Name: task}
	for k, v := range params {
		tr.Spec.Params = append(tr.Spec.Params, v1.Param{Name: k, Value: *v1.NewStructuredValues(v)})
	}
	return tr
}

const echoTask = `
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: echo}
spec:
  params:
    - {name: greeting, default: hello}
    - {name: who}
  workspaces:
    - {name: data}
  results:
    - {name: said}
    - {name: words, type: array}
  steps:
    - name: say
      image: $(params.greeting)-image
      env:
        - {name: PARAM_GREETING, value: $(params.greeting)}
        - {name: PARAM_WHO, value: $(params.who)}
        - {name: DATA, value: $(workspaces.data.path)}
      script: |
        #!/bin/sh
        set -eu
        printf '%s, %s' "$PARAM_GREETING" "$PARAM_WHO" > "$DATA/said.txt"
        printf '%s' "$PARAM_GREETING, $PARAM_WHO" > "$(results.said.path)"
        printf '["%s","%s"]' "$PARAM_GREETING" "$PARAM_WHO" > "$(results.words.path)"
    - name: check
      image: busybox
      command: [sh, -c, 'test -f "$0/said.txt"', $(workspaces.data.path)]
`

func TestRunTaskSubstitutesParamsWorkspacesAndResults(t *testing.T) {
	r := newRunner(t)
	r.Tasks["echo"] = task(t, echoTask)
	data := t.TempDir()
	// A param that would run a command if it were pasted into the script.
	who := `$(touch pwned); world`
	got, err := r.RunTask(context.Background(), taskRun("echo-1", "echo", map[string]string{"who": who}), runner.Workspaces{"data": data})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Succeeded {
		t.Fatalf("the TaskRun failed: %s\n%s", got.Reason, got.Output())
	}
	said, _ := got.Result("said")
	if want := "hello, " + who; said.StringVal != want {
		t.Errorf("result said = %q, want %q", said.StringVal, want)
	}
	words, _ := got.Result("words")
	if diff := cmp.Diff([]string{"hello", who}, words.ArrayVal); words.Type != v1.ParamTypeArray || diff != "" {
		t.Errorf("result words (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(data, "said.txt")); err != nil {
		t.Errorf("the step did not write to the workspace: %v", err)
	}
	matches, _ := filepath.Glob(filepath.Join(r.Dir, "*", "work", "pwned"))
	if len(matches) > 0 {
		t.Errorf("the param ran as a command: %v", matches)
	}
}

func TestRunTaskRejectsAnArrayResultThatIsNotJSON(t *testing.T) {
	r := newRunner(t)
	r.Tasks["echo"] = task(t, echoTask)
	got, err := r.RunTask(context.Background(), taskRun("echo-1", "echo", map[string]string{"who": `a"b`}), runner.Workspaces{"data": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got.Succeeded || !strings.Contains(got.Reason, `result "words" is declared an array`) {
		t.Errorf("Succeeded = %v, Reason = %q; want a failure for the invalid array result", got.Succeeded, got.Reason)
	}
}

func TestRunTaskNeedsRequiredParamsAndWorkspaces(t *testing.T) {
	r := newRunner(t)
	r.Tasks["echo"] = task(t, echoTask)
	_, err := r.RunTask(context.Background(), taskRun("echo-1", "echo", nil), runner.Workspaces{"data": t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), `param "who" has no value and no default`) {
		t.Errorf("err = %v, want the missing param named", err)
	}
	_, err = r.RunTask(context.Background(), taskRun("echo-1", "echo", map[string]string{"who": "x"}), nil)
	if err == nil || !strings.Contains(err.Error(), `workspace "data" is not bound`) {
		t.Errorf("err = %v, want the unbound workspace named", err)
	}
}

func TestRunTaskStopsAtAFailingStep(t *testing.T) {
	r := newRunner(t)
	r.Tasks["fail"] = task(t, `
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: fail}
spec:
  results: [{name: before}]
  steps:
    - {name: one, image: x, script: "printf early > $(results.before.path); exit 3"}
    - {name: two, image: x, script: "echo never"}
`)
	got, err := r.RunTask(context.Background(), taskRun("fail-1", "fail", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Succeeded || len(got.Steps) != 1 || got.Steps[0].ExitCode != 3 {
		t.Errorf("Succeeded = %v, steps = %+v; want a failure at step one with exit code 3", got.Succeeded, got.Steps)
	}
	if v, ok := got.Result("before"); !ok || v.StringVal != "early" {
		t.Errorf("result before = %+v, %v; want the result written before the failure", v, ok)
	}
}

func TestRunTaskLimitsResultsToATerminationMessage(t *testing.T) {
	r := newRunner(t)
	r.Tasks["big"] = task(t, `
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: big}
spec:
  results: [{name: report}]
  steps:
    - {name: write, image: x, script: "head -c 5000 /dev/zero | tr '\\0' x > $(results.report.path)"}
`)
	got, err := r.RunTask(context.Background(), taskRun("big-1", "big", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Succeeded || !strings.Contains(got.Reason, "more than the 4096") {
		t.Errorf("Succeeded = %v, Reason = %q; want results over 4096 bytes refused", got.Succeeded, got.Reason)
	}
}

const fanOutPipeline = `
apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: fan-out}
spec:
  params:
    - {name: skip, default: "yes"}
  workspaces: [{name: shared}]
  results:
    - {name: done, value: "$(tasks.each.results.done[*])"}
  tasks:
    - name: list
      taskSpec:
        results: [{name: items, type: array}]
        steps:
          - {name: list, image: x, script: "printf '[\"a\",\"b\"]' > $(results.items.path)"}
    - name: each
      taskRef: {name: touch}
      matrix:
        params:
          - {name: item, value: "$(tasks.list.results.items[*])"}
      workspaces: [{name: dir, workspace: shared}]
    - name: gated
      runAfter: [each]
      when:
        - {input: $(params.skip), operator: notin, values: ["yes"]}
      taskRef: {name: touch}
      params: [{name: item, value: gated}]
      workspaces: [{name: dir, workspace: shared}]
  finally:
    - name: report
      taskRef: {name: touch}
      params:
        - {name: item, value: "$(tasks.status)-$(tasks.each.status)-$(tasks.gated.status)"}
      workspaces: [{name: dir, workspace: shared}]
`

const touchTask = `
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: touch}
spec:
  params: [{name: item}]
  workspaces: [{name: dir}]
  results: [{name: done}]
  steps:
    - name: touch
      image: x
      env:
        - {name: PARAM_ITEM, value: $(params.item)}
        - {name: DIR, value: $(workspaces.dir.path)}
      script: |
        touch "$DIR/$PARAM_ITEM"
        printf '%s' "$PARAM_ITEM" > $(results.done.path)
`

func TestRunPipelineFansOutSkipsAndRunsFinally(t *testing.T) {
	r := newRunner(t)
	r.Tasks["touch"] = task(t, touchTask)
	var p v1.Pipeline
	if err := yaml.UnmarshalStrict([]byte(fanOutPipeline), &p); err != nil {
		t.Fatal(err)
	}
	r.Pipelines["fan-out"] = &p
	pr := &v1.PipelineRun{}
	pr.Name = "run"
	pr.Spec.PipelineRef = &v1.PipelineRef{Name: "fan-out"}
	shared := t.TempDir()
	got, err := r.RunPipeline(context.Background(), pr, runner.Workspaces{"shared": shared})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Succeeded {
		t.Fatalf("the PipelineRun failed: %s", got.Reason)
	}
	entries, _ := os.ReadDir(shared)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"Completed-Succeeded-None", "a", "b"}, names); diff != "" {
		t.Errorf("files in the workspace (-want +got):\n%s", diff)
	}
	if _, ok := got.Skipped["gated"]; !ok {
		t.Errorf("gated was not skipped: %+v", got.Skipped)
	}
	done, _ := got.Result("done")
	if diff := cmp.Diff([]string{"a", "b"}, done.ArrayVal); diff != "" {
		t.Errorf("pipeline result done (-want +got):\n%s", diff)
	}
}

func TestGitCloneChecksOutARevisionShallowly(t *testing.T) {
	origin := t.TempDir()
	run := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = origin
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	for _, msg := range []string{"one", "two"} {
		if err := os.WriteFile(filepath.Join(origin, "f"), []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
		run("add", "f")
		run("commit", "-q", "-m", msg)
	}
	head := run("rev-parse", "HEAD")
	r := newRunner(t)
	out := t.TempDir()
	tr := taskRun("clone", "git-clone", map[string]string{"url": origin, "revision": head, "subdirectory": "repo"})
	got, err := r.RunTask(context.Background(), tr, runner.Workspaces{"output": out})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Succeeded {
		t.Fatalf("git-clone failed: %s", got.Reason)
	}
	if commit, _ := got.Result("commit"); commit.StringVal != head {
		t.Errorf("result commit = %q, want %q", commit.StringVal, head)
	}
	data, err := os.ReadFile(filepath.Join(out, "repo", "f"))
	if err != nil || string(data) != "two" {
		t.Errorf("checked out f = %q, %v; want two", data, err)
	}
	if _, err := os.Stat(filepath.Join(out, "repo", ".git", "shallow")); err != nil {
		t.Errorf("the clone is not shallow at depth 1: %v", err)
	}
}

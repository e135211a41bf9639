package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
)

// Runner runs TaskRuns and PipelineRuns on this machine. A step's image is never pulled:
// its command or script runs here as a process, with Env as its whole starting environment,
// so whatever the image would hold (netops, a POSIX shell) must be on Env's PATH.
type Runner struct {
	Tasks     map[string]*v1.Task     // the Tasks a taskRef may name
	Pipelines map[string]*v1.Pipeline // the Pipelines a pipelineRef may name
	Builtins  map[string]Builtin      // the Tasks the runner performs itself, such as git-clone
	Env       []string                // every step's environment, before the step's own env
	Dir       string                  // where runs keep their scripts, results and scratch folders
	Log       io.Writer               // step output and progress; nil discards it

	seq atomic.Int64
}

// Builtin is a Task that the runner performs in Go instead of running its steps, for a Task
// whose image holds a tool that is not on this machine (git-clone's git-init).
type Builtin struct {
	Spec v1.TaskSpec // its params, workspaces and results; its steps are not run
	Run  func(ctx context.Context, in BuiltinInput) (results map[string]string, err error)
}

// BuiltinInput is what a Builtin gets: its params with their defaults, and its workspaces.
type BuiltinInput struct {
	Params     map[string]string
	Workspaces Workspaces
	Env        []string
	Log        io.Writer
}

// Workspaces binds workspace names to folders on this machine.
type Workspaces map[string]string

// TaskRun is what running one TaskRun gave.
type TaskRun struct {
	Name      string
	Task      string
	Params    v1.Params // as given, after the pipeline's substitution
	Succeeded bool
	Reason    string // why it did not succeed
	Steps     []StepRun
	Results   []v1.TaskRunResult
}

// StepRun is what one step did.
type StepRun struct {
	Name     string
	ExitCode int
	Output   string // stdout and stderr, interleaved
}

// Result is the value of the named result, if the TaskRun wrote it.
func (tr *TaskRun) Result(name string) (v1.ResultValue, bool) {
	for _, r := range tr.Results {
		if r.Name == name {
			return r.Value, true
		}
	}
	return v1.ResultValue{}, false
}

// Output is every step's output, in order.
func (tr *TaskRun) Output() string {
	var b strings.Builder
	for _, s := range tr.Steps {
		fmt.Fprintf(&b, "--- step %s (exit %d)\n%s", s.Name, s.ExitCode, s.Output)
	}
	return b.String()
}

func (r *Runner) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format+"\n", args...)
	}
}

func (r *Runner) log() io.Writer {
	if r.Log == nil {
		return io.Discard
	}
	return r.Log
}

// runDir makes a fresh folder for one TaskRun.
func (r *Runner) runDir(name string) (string, error) {
	dir := filepath.Join(r.Dir, fmt.Sprintf("%03d-%s", r.seq.Add(1), name))
	for _, sub := range []string{"results", "scripts", "home", "work"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// leftover matches a Tekton variable that substitution should have replaced.
var leftover = regexp.MustCompile(`\$\((params|workspaces|results|context|tasks|steps|step|finally)[.\[][^)]*\)`)

package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tektoncd/pipeline/pkg/apis/config"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"github.com/tektoncd/pipeline/pkg/reconciler/taskrun/resources"
	corev1 "k8s.io/api/core/v1"
)

// maxResultsSize is what a TaskRun's results may take in all: Tekton passes them through the
// container's termination message, 4096 bytes.
const maxResultsSize = config.DefaultMaxResultSize

// RunTask runs tr with its workspaces bound to the folders in ws. The error is for a TaskRun
// that could not start (an unknown Task, a missing param); a failing step makes a TaskRun
// that did not succeed.
func (r *Runner) RunTask(ctx context.Context, tr *v1.TaskRun, ws Workspaces) (*TaskRun, error) {
	out := &TaskRun{Name: tr.Name, Params: tr.Spec.Params}
	if tr.Spec.TaskRef != nil {
		out.Task = tr.Spec.TaskRef.Name
		if b, ok := r.Builtins[out.Task]; ok {
			return out, r.runBuiltin(ctx, b, tr, ws, out)
		}
	}
	spec, err := r.taskSpec(ctx, tr)
	if err != nil {
		return nil, err
	}
	if err := checkParams(spec, tr.Spec.Params); err != nil {
		return nil, fmt.Errorf("TaskRun %s of %s: %w", tr.Name, out.Task, err)
	}
	if err := checkWorkspaces(spec.Workspaces, ws); err != nil {
		return nil, fmt.Errorf("TaskRun %s of %s: %w", tr.Name, out.Task, err)
	}
	dir, err := r.runDir(tr.Name)
	if err != nil {
		return nil, err
	}
	spec, err = substitute(ctx, spec, tr, out.Task, ws, filepath.Join(dir, "results"))
	if err != nil {
		return nil, fmt.Errorf("TaskRun %s of %s: %w", tr.Name, out.Task, err)
	}
	r.logf("=== TaskRun %s (%s)", tr.Name, out.Task)
	r.runSteps(ctx, spec, dir, out)
	r.collectResults(spec, filepath.Join(dir, "results"), out)
	return out, nil
}

// taskSpec is the defaulted spec of the Task tr runs, with its stepTemplate merged into its steps.
func (r *Runner) taskSpec(ctx context.Context, tr *v1.TaskRun) (*v1.TaskSpec, error) {
	var spec *v1.TaskSpec
	switch {
	case tr.Spec.TaskSpec != nil:
		spec = tr.Spec.TaskSpec.DeepCopy()
	case tr.Spec.TaskRef != nil && r.Tasks[tr.Spec.TaskRef.Name] != nil:
		spec = r.Tasks[tr.Spec.TaskRef.Name].Spec.DeepCopy()
	case tr.Spec.TaskRef != nil:
		return nil, fmt.Errorf("TaskRun %s: no Task named %q", tr.Name, tr.Spec.TaskRef.Name)
	default:
		return nil, fmt.Errorf("TaskRun %s has neither taskRef nor taskSpec", tr.Name)
	}
	spec.SetDefaults(config.ToContext(ctx, config.FromContextOrDefaults(ctx)))
	steps, err := v1.MergeStepsWithStepTemplate(spec.StepTemplate, spec.Steps)
	if err != nil {
		return nil, err
	}
	spec.Steps, spec.StepTemplate = steps, nil
	return spec, nil
}

// checkParams does what Tekton's reconciler does before it runs a TaskRun: every param
// without a default is given, and each has the declared type.
func checkParams(spec *v1.TaskSpec, params v1.Params) error {
	given := map[string]v1.ParamType{}
	for _, p := range params {
		given[p.Name] = p.Value.Type
	}
	var problems []string
	for _, ps := range spec.Params {
		typ, ok := given[ps.Name]
		switch {
		case !ok && ps.Default == nil:
			problems = append(problems, fmt.Sprintf("param %q has no value and no default", ps.Name))
		case ok && typ != ps.Type:
			problems = append(problems, fmt.Sprintf("param %q is a %s, but the Task declares a %s", ps.Name, typ, ps.Type))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// substitute applies Tekton's variable substitution in the order its TaskRun reconciler does,
// with the workspaces' mount paths and the results folder moved to this machine.
func substitute(ctx context.Context, spec *v1.TaskSpec, tr *v1.TaskRun, taskName string, ws Workspaces, resultsDir string) (*v1.TaskSpec, error) {
	decls, bindings := bindWorkspaces(spec.Workspaces, ws)
	spec = resources.ApplyParameters(spec, tr, spec.Params...)
	spec = resources.ApplyContexts(spec, taskName, tr)
	spec = resources.ApplyReplacements(spec, resultPaths(spec.Results, resultsDir), nil, nil)
	spec = resources.ApplyResults(spec)
	spec = resources.ApplyStepExitCodePath(spec)
	spec = resources.ApplyWorkspaces(ctx, spec, decls, bindings, nil)
	for _, s := range spec.Steps {
		if left := unresolved(s); left != "" {
			return nil, fmt.Errorf("step %q still refers to %s after substitution", s.Name, left)
		}
	}
	return spec, nil
}

// bindWorkspaces moves each bound workspace's mount path to its folder on this machine.
// An optional workspace without a folder is unbound.
func bindWorkspaces(declared []v1.WorkspaceDeclaration, ws Workspaces) ([]v1.WorkspaceDeclaration, []v1.WorkspaceBinding) {
	decls := make([]v1.WorkspaceDeclaration, 0, len(declared))
	var bindings []v1.WorkspaceBinding
	for _, d := range declared {
		if dir, ok := ws[d.Name]; ok {
			d.MountPath = dir
			bindings = append(bindings, v1.WorkspaceBinding{Name: d.Name, EmptyDir: &corev1.EmptyDirVolumeSource{}})
		}
		decls = append(decls, d)
	}
	return decls, bindings
}

// resultPaths maps each way of naming a result's path to its file in dir, as Tekton maps
// them to /tekton/results.
func resultPaths(results []v1.TaskResult, dir string) map[string]string {
	m := map[string]string{}
	for _, r := range results {
		file := filepath.Join(dir, r.Name)
		for _, pattern := range []string{"results.%s.path", "results[%q].path", "results['%s'].path"} {
			m[fmt.Sprintf(pattern, r.Name)] = file
		}
	}
	return m
}

// unresolved is the first Tekton variable left in a step, or "".
func unresolved(s v1.Step) string {
	fields := []string{s.Image, s.Script, s.WorkingDir}
	fields = append(fields, s.Command...)
	fields = append(fields, s.Args...)
	for _, e := range s.Env {
		fields = append(fields, e.Value)
	}
	for _, f := range fields {
		if m := leftover.FindString(f); m != "" {
			return m
		}
	}
	return ""
}

// collectResults reads the declared results the steps wrote, as Tekton's entrypoint does.
func (r *Runner) collectResults(spec *v1.TaskSpec, dir string, out *TaskRun) {
	var problems []string
	for _, res := range spec.Results {
		data, err := os.ReadFile(filepath.Join(dir, res.Name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		value, err := resultValue(res, string(data))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		out.Results = append(out.Results, v1.TaskRunResult{Name: res.Name, Type: res.Type, Value: value})
	}
	if size := resultsSize(out.Results); size > maxResultsSize {
		problems = append(problems, fmt.Sprintf("results take %d bytes, more than the %d a termination message holds", size, maxResultsSize))
	}
	if len(problems) > 0 && out.Succeeded {
		out.Succeeded, out.Reason = false, "TaskRunResultsInvalid: "+strings.Join(problems, "; ")
	}
}

// resultValue parses what a step wrote for res, by its declared type.
func resultValue(res v1.TaskResult, data string) (v1.ResultValue, error) {
	switch res.Type {
	case v1.ResultsTypeArray:
		var arr []string
		if err := json.Unmarshal([]byte(data), &arr); err != nil {
			return v1.ResultValue{}, fmt.Errorf("result %q is declared an array, but holds %q: %w", res.Name, data, err)
		}
		return v1.ResultValue{Type: v1.ParamTypeArray, ArrayVal: arr}, nil
	case v1.ResultsTypeObject:
		var obj map[string]string
		if err := json.Unmarshal([]byte(data), &obj); err != nil {
			return v1.ResultValue{}, fmt.Errorf("result %q is declared an object, but holds %q: %w", res.Name, data, err)
		}
		return *v1.NewObject(obj), nil
	}
	return *v1.NewStructuredValues(data), nil
}

// resultsSize is the size of the results as the entrypoint writes them into the termination message.
func resultsSize(results []v1.TaskRunResult) int {
	type entry struct {
		Key   string `json:"key"`
		Value string `json:"value"`
		Type  int    `json:"type,omitempty"`
	}
	entries := make([]entry, 0, len(results))
	for _, r := range results {
		raw, _ := json.Marshal(r.Value)
		if r.Value.Type == v1.ParamTypeString {
			raw = []byte(r.Value.StringVal)
		}
		entries = append(entries, entry{Key: r.Name, Value: string(raw), Type: 1})
	}
	data, _ := json.Marshal(entries)
	return len(data)
}

package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/tektoncd/pipeline/pkg/apis/config"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"github.com/tektoncd/pipeline/pkg/reconciler/pipeline/dag"
	"github.com/tektoncd/pipeline/pkg/reconciler/pipelinerun/resources"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
)

// PipelineRun is what running one PipelineRun gave.
type PipelineRun struct {
	Name      string
	Succeeded bool
	Reason    string
	TaskRuns  map[string][]*TaskRun // by pipeline task; a matrixed task has one per combination
	Skipped   map[string]string     // pipeline task → why it did not run
	Results   []v1.PipelineRunResult
}

// TaskRun is the only TaskRun of a pipeline task, or nil.
func (pr *PipelineRun) TaskRun(pipelineTask string) *TaskRun {
	if runs := pr.TaskRuns[pipelineTask]; len(runs) == 1 {
		return runs[0]
	}
	return nil
}

// Result is the value of a pipeline result.
func (pr *PipelineRun) Result(name string) (v1.ResultValue, bool) {
	for _, r := range pr.Results {
		if r.Name == name {
			return r.Value, true
		}
	}
	return v1.ResultValue{}, false
}

// pipelineRun is one PipelineRun under way.
type pipelineRun struct {
	*Runner
	pr       *v1.PipelineRun
	ws       Workspaces
	state    resources.PipelineRunState
	out      *PipelineRun
	stopping bool // a task failed: start no more tasks, then run finally
}

// RunPipeline runs pr with its workspaces bound to the folders in ws, one task at a time in
// the order Tekton's DAG allows, then its finally tasks. The error is for a PipelineRun that
// could not start or a task that could not; a failing task makes a PipelineRun that did not
// succeed.
func (r *Runner) RunPipeline(ctx context.Context, pr *v1.PipelineRun, ws Workspaces) (*PipelineRun, error) {
	ctx = config.ToContext(ctx, config.FromContextOrDefaults(ctx))
	spec, err := r.pipelineSpec(ctx, pr, ws)
	if err != nil {
		return nil, fmt.Errorf("PipelineRun %s: %w", pr.Name, err)
	}
	run := &pipelineRun{Runner: r, pr: pr, ws: ws, out: &PipelineRun{
		Name: pr.Name, TaskRuns: map[string][]*TaskRun{}, Skipped: map[string]string{},
	}}
	r.logf("=== PipelineRun %s", pr.Name)
	if err := run.runDAG(ctx, spec.Tasks); err != nil {
		return nil, fmt.Errorf("PipelineRun %s: %w", pr.Name, err)
	}
	statuses := run.statuses(spec.Tasks)
	spec = resources.ApplyReplacements(spec, statuses, nil, nil)
	for _, pt := range spec.Finally {
		if err := run.runPipelineTask(ctx, pt, true); err != nil {
			return nil, fmt.Errorf("PipelineRun %s: %w", pr.Name, err)
		}
	}
	run.finish(spec, statuses)
	return run.out, nil
}

// pipelineSpec is the defaulted spec of the Pipeline pr runs, with the PipelineRun's params,
// context and workspaces substituted.
func (r *Runner) pipelineSpec(ctx context.Context, pr *v1.PipelineRun, ws Workspaces) (*v1.PipelineSpec, error) {
	var spec *v1.PipelineSpec
	name := ""
	switch {
	case pr.Spec.PipelineSpec != nil:
		spec = pr.Spec.PipelineSpec.DeepCopy()
	case pr.Spec.PipelineRef != nil && r.Pipelines[pr.Spec.PipelineRef.Name] != nil:
		name = pr.Spec.PipelineRef.Name
		spec = r.Pipelines[name].Spec.DeepCopy()
	default:
		return nil, fmt.Errorf("no Pipeline to run: give a pipelineSpec or the pipelineRef of a known Pipeline")
	}
	spec.SetDefaults(ctx)
	if err := resources.ValidateRequiredParametersProvided(&spec.Params, &pr.Spec.Params); err != nil {
		return nil, err
	}
	if err := resources.ValidateParamTypesMatching(spec, pr); err != nil {
		return nil, err
	}
	for _, w := range spec.Workspaces {
		if _, ok := ws[w.Name]; !ok && !w.Optional {
			return nil, fmt.Errorf("workspace %q is not bound", w.Name)
		}
	}
	spec, err := resources.ApplyParameters(spec, pr)
	if err != nil {
		return nil, err
	}
	spec = resources.ApplyContexts(spec, name, pr)
	return resources.ApplyWorkspaces(spec, pr), nil
}

// runDAG runs the tasks in an order Tekton's scheduler could pick: a task starts once every
// task it depends on is done.
func (p *pipelineRun) runDAG(ctx context.Context, tasks []v1.PipelineTask) error {
	graph, err := dag.Build(v1.PipelineTaskList(tasks), v1.PipelineTaskList(tasks).Deps())
	if err != nil {
		return err
	}
	byName := map[string]v1.PipelineTask{}
	for _, pt := range tasks {
		byName[pt.Name] = pt
	}
	var done []string
	for len(done) < len(tasks) {
		candidates, err := dag.GetCandidateTasks(graph, done...)
		if err != nil {
			return err
		}
		next := candidates.List() // sorted
		if len(next) == 0 {
			return fmt.Errorf("no task can start after %v", done)
		}
		for _, name := range next {
			if err := p.runPipelineTask(ctx, byName[name], false); err != nil {
				return err
			}
			done = append(done, name)
		}
	}
	return nil
}

// runPipelineTask resolves the result references and when expressions of one pipeline task,
// then runs a TaskRun for it, or one per combination of its matrix.
func (p *pipelineRun) runPipelineTask(ctx context.Context, pt v1.PipelineTask, final bool) error {
	rpt := &resources.ResolvedPipelineTask{PipelineTask: pt.DeepCopy()}
	defer func() { p.state = append(p.state, rpt) }()
	if p.stopping && !final {
		return p.skip(pt.Name, "the PipelineRun is stopping: a task before it failed")
	}
	refs, _, err := resources.ResolveResultRefs(p.state, resources.PipelineRunState{rpt})
	if err != nil {
		return p.skip(pt.Name, "its result references do not resolve: "+err.Error())
	}
	resources.ApplyTaskResults(resources.PipelineRunState{rpt}, refs)
	if !rpt.PipelineTask.When.AllowsExecution(nil) {
		return p.skip(pt.Name, "its when expressions are false")
	}
	combos, reason := combinations(rpt.PipelineTask)
	if reason != "" {
		return p.skip(pt.Name, reason)
	}
	for i, combo := range combos {
		tr := p.taskRun(rpt.PipelineTask, combo, i, len(combos) > 1 || rpt.PipelineTask.IsMatrixed())
		got, err := p.RunTask(ctx, tr, p.taskWorkspaces(rpt.PipelineTask))
		if err != nil {
			return err
		}
		p.out.TaskRuns[pt.Name] = append(p.out.TaskRuns[pt.Name], got)
		rpt.TaskRuns = append(rpt.TaskRuns, withStatus(tr, got))
		if !got.Succeeded {
			p.stopping = true
			p.logf("=== TaskRun %s failed: %s", got.Name, got.Reason)
		}
	}
	return nil
}

func (p *pipelineRun) skip(name, reason string) error {
	p.out.Skipped[name] = reason
	p.logf("=== pipeline task %s skipped: %s", name, reason)
	return nil
}

// combinations are the params of each TaskRun of pt: its matrix fanned out as Tekton does,
// or its params alone. A matrix param that is an empty array skips the task.
func combinations(pt *v1.PipelineTask) ([]v1.Params, string) {
	if !pt.IsMatrixed() {
		return []v1.Params{pt.Params}, ""
	}
	for _, mp := range pt.Matrix.Params {
		if mp.Value.Type == v1.ParamTypeArray && len(mp.Value.ArrayVal) == 0 {
			return nil, fmt.Sprintf("its matrix param %q is an empty array", mp.Name)
		}
	}
	var out []v1.Params
	for _, combo := range pt.Matrix.FanOut() {
		out = append(out, append(pt.Params.DeepCopy(), combo...))
	}
	return out, ""
}

// taskRun is the TaskRun Tekton would create for one combination of pt.
func (p *pipelineRun) taskRun(pt *v1.PipelineTask, params v1.Params, i int, matrixed bool) *v1.TaskRun {
	name := p.pr.Name + "-" + pt.Name
	if matrixed {
		name = fmt.Sprintf("%s-%d", name, i)
	}
	tr := &v1.TaskRun{}
	tr.Name, tr.Namespace = name, p.pr.Namespace
	tr.Spec.Params = params
	tr.Spec.TaskRef = pt.TaskRef
	if pt.TaskSpec != nil {
		tr.Spec.TaskSpec = pt.TaskSpec.TaskSpec.DeepCopy()
	}
	return tr
}

// taskWorkspaces binds a pipeline task's workspaces to the folders of the pipeline's.
// A task workspace mapped to an unbound optional pipeline workspace is left unbound.
func (p *pipelineRun) taskWorkspaces(pt *v1.PipelineTask) Workspaces {
	ws := Workspaces{}
	for _, w := range pt.Workspaces {
		from := w.Workspace
		if from == "" {
			from = w.Name
		}
		if dir, ok := p.ws[from]; ok {
			ws[w.Name] = filepath.Join(dir, w.SubPath)
		}
	}
	return ws
}

// withStatus is tr with the condition and results Tekton would record, so that Tekton's
// result resolution can read them.
func withStatus(tr *v1.TaskRun, got *TaskRun) *v1.TaskRun {
	tr = tr.DeepCopy()
	cond := &apis.Condition{Type: apis.ConditionSucceeded, Status: corev1.ConditionTrue, Reason: v1.TaskRunReasonSuccessful.String()}
	if !got.Succeeded {
		cond.Status, cond.Reason, cond.Message = corev1.ConditionFalse, v1.TaskRunReasonFailed.String(), got.Reason
	}
	tr.Status.SetCondition(cond)
	tr.Status.Results = got.Results
	return tr
}

// statuses are the values of $(tasks.<name>.status) and $(tasks.status) for finally tasks.
func (p *pipelineRun) statuses(tasks []v1.PipelineTask) map[string]string {
	m := map[string]string{}
	aggregate := v1.PipelineRunReasonSuccessful.String()
	for _, pt := range tasks {
		s := p.taskStatus(pt.Name)
		m[resources.PipelineTaskStatusPrefix+pt.Name+resources.PipelineTaskStatusSuffix] = s
		switch {
		case s == v1.TaskRunReasonFailed.String():
			aggregate = v1.PipelineRunReasonFailed.String()
		case s == resources.PipelineTaskStateNone && aggregate != v1.PipelineRunReasonFailed.String():
			aggregate = v1.PipelineRunReasonCompleted.String()
		}
	}
	m[resources.PipelineTaskStatusPrefix+"status"] = aggregate
	return m
}

func (p *pipelineRun) taskStatus(name string) string {
	runs := p.out.TaskRuns[name]
	if len(runs) == 0 {
		return resources.PipelineTaskStateNone
	}
	for _, tr := range runs {
		if !tr.Succeeded {
			return v1.TaskRunReasonFailed.String()
		}
	}
	return v1.TaskRunReasonSuccessful.String()
}

// finish sets the PipelineRun's outcome and its results, as Tekton computes them.
func (p *pipelineRun) finish(spec *v1.PipelineSpec, statuses map[string]string) {
	p.out.Succeeded = true
	var failed []string
	for name, runs := range p.out.TaskRuns {
		for _, tr := range runs {
			if !tr.Succeeded {
				failed = append(failed, name)
				break
			}
		}
	}
	sort.Strings(failed)
	if len(failed) > 0 {
		p.out.Succeeded, p.out.Reason = false, fmt.Sprintf("tasks failed: %v", failed)
	}
	results := map[string][]v1.TaskRunResult{}
	for _, rpt := range p.state {
		if rpt.PipelineTask.IsMatrixed() {
			results[rpt.PipelineTask.Name] = resources.ConvertResultsMapToTaskRunResults(aggregate(rpt))
			continue
		}
		for _, tr := range rpt.TaskRuns {
			results[rpt.PipelineTask.Name] = tr.Status.Results
		}
	}
	p.out.Results, _ = resources.ApplyTaskResultsToPipelineResults(spec.Results, results, nil, statuses)
}

// aggregate gathers each string result of a matrixed task's TaskRuns into an array.
func aggregate(rpt *resources.ResolvedPipelineTask) map[string][]string {
	m := map[string][]string{}
	for _, tr := range rpt.TaskRuns {
		for _, r := range tr.Status.Results {
			m[r.Name] = append(m[r.Name], r.Value.StringVal)
		}
	}
	return m
}

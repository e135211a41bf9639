package runner

import (
	"context"
	"fmt"
	"slices"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
)

// runBuiltin performs a Builtin with the params and workspaces tr gives it, checked against
// the Builtin's declared params, workspaces and results as Tekton would check them.
func (r *Runner) runBuiltin(ctx context.Context, b Builtin, tr *v1.TaskRun, ws Workspaces, out *TaskRun) error {
	if err := checkParams(&b.Spec, tr.Spec.Params); err != nil {
		return fmt.Errorf("TaskRun %s of %s: %w", tr.Name, out.Task, err)
	}
	if err := checkWorkspaces(b.Spec.Workspaces, ws); err != nil {
		return fmt.Errorf("TaskRun %s of %s: %w", tr.Name, out.Task, err)
	}
	params := map[string]string{}
	for _, ps := range b.Spec.Params {
		if ps.Default != nil {
			params[ps.Name] = ps.Default.StringVal
		}
	}
	for _, p := range tr.Spec.Params {
		if !slices.ContainsFunc(b.Spec.Params, func(ps v1.ParamSpec) bool { return ps.Name == p.Name }) {
			return fmt.Errorf("TaskRun %s of %s: param %q is not declared", tr.Name, out.Task, p.Name)
		}
		params[p.Name] = p.Value.StringVal
	}
	r.logf("=== TaskRun %s (%s, performed by the runner)", tr.Name, out.Task)
	results, err := b.Run(ctx, BuiltinInput{Params: params, Workspaces: ws, Env: r.Env, Log: prefixed(r.log(), out.Task)})
	out.Succeeded = err == nil
	if err != nil {
		out.Reason = err.Error()
	}
	for _, res := range b.Spec.Results {
		if v, ok := results[res.Name]; ok {
			out.Results = append(out.Results, v1.TaskRunResult{Name: res.Name, Type: v1.ResultsTypeString, Value: *v1.NewStructuredValues(v)})
		}
	}
	return nil
}

// checkWorkspaces checks that every required workspace is bound, and nothing undeclared is.
func checkWorkspaces(declared []v1.WorkspaceDeclaration, ws Workspaces) error {
	for name := range ws {
		if !slices.ContainsFunc(declared, func(d v1.WorkspaceDeclaration) bool { return d.Name == name }) {
			return fmt.Errorf("workspace %q is bound but not declared", name)
		}
	}
	for _, d := range declared {
		if _, ok := ws[d.Name]; !ok && !d.Optional {
			return fmt.Errorf("workspace %q is not bound", d.Name)
		}
	}
	return nil
}

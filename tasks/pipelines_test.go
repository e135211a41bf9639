package tasks_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"

	"github.com/netops/netops/tasks/internal/manifests"
)

// taskInterface is what a pipeline task may use of a Task: its params (and whether each has
// a default), workspaces (and whether each is optional) and results (and their types).
type taskInterface struct {
	params     map[string]bool
	workspaces map[string]bool
	results    map[string]v1.ResultsType
}

// catalogInterfaces are the interfaces of the Tasks a pipeline may refer to by name: those in
// catalog.yaml's entries, read from their files, and its external ones.
func catalogInterfaces(t *testing.T) map[string]taskInterface {
	t.Helper()
	c, err := manifests.LoadCatalog(catalogFile)
	if err != nil {
		t.Fatal(err)
	}
	tasks := map[string]*v1.Task{}
	for _, task := range ofType[*v1.Task](objects(t)) {
		tasks[task.Name] = task
	}
	out := map[string]taskInterface{}
	for _, e := range c.Entries {
		if e.Kind != "Task" {
			continue
		}
		task, ok := tasks[e.Name]
		if !ok {
			t.Fatalf("catalog.yaml lists Task %s, which is not under tasks/", e.Name)
		}
		out[e.Name] = interfaceOf(&task.Spec)
	}
	for _, ext := range c.External {
		ti := taskInterface{params: map[string]bool{}, workspaces: map[string]bool{}, results: map[string]v1.ResultsType{}}
		for _, p := range ext.Params {
			ti.params[p] = p != "url" // git-clone's url is its only param without a default
		}
		for _, w := range ext.Workspaces {
			ti.workspaces[w] = w != "output"
		}
		for _, r := range ext.Results {
			ti.results[r] = v1.ResultsTypeString
		}
		out[ext.Name] = ti
	}
	return out
}

func interfaceOf(spec *v1.TaskSpec) taskInterface {
	ti := taskInterface{params: map[string]bool{}, workspaces: map[string]bool{}, results: map[string]v1.ResultsType{}}
	for _, p := range spec.Params {
		ti.params[p.Name] = p.Default != nil
	}
	for _, w := range spec.Workspaces {
		ti.workspaces[w.Name] = w.Optional
	}
	for _, r := range spec.Results {
		typ := r.Type
		if typ == "" {
			typ = v1.ResultsTypeString
		}
		ti.results[r.Name] = typ
	}
	return ti
}

// wiringProblems lists what in a pipeline refers to a name that does not exist: a task that
// is not in the catalog, a param, workspace or result that the task does not declare, or a
// required param or workspace that is not given.
func wiringProblems(spec *v1.PipelineSpec, catalog map[string]taskInterface) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	ifaces := map[string]taskInterface{}
	matrixed := map[string]bool{}
	pipelineWS := map[string]bool{}
	for _, w := range spec.Workspaces {
		pipelineWS[w.Name] = w.Optional
	}
	all := slices.Concat(spec.Tasks, spec.Finally)
	for _, pt := range all {
		switch {
		case pt.TaskSpec != nil:
			ifaces[pt.Name] = interfaceOf(&pt.TaskSpec.TaskSpec)
		case pt.TaskRef != nil:
			ti, ok := catalog[pt.TaskRef.Name]
			if !ok || (pt.TaskRef.Kind != "" && pt.TaskRef.Kind != v1.NamespacedTaskKind) || pt.TaskRef.Resolver != "" {
				add("task %s refers to %+v, which is not a Task in the catalog", pt.Name, *pt.TaskRef)
				continue
			}
			ifaces[pt.Name] = ti
		}
		matrixed[pt.Name] = pt.IsMatrixed()
	}
	for _, pt := range all {
		ti, ok := ifaces[pt.Name]
		if !ok {
			continue
		}
		given := map[string]bool{}
		params := slices.Concat(pt.Params, pt.Matrix.GetAllParams())
		for _, p := range params {
			given[p.Name] = true
			if _, ok := ti.params[p.Name]; !ok {
				add("task %s gives param %s, which its Task does not declare", pt.Name, p.Name)
			}
		}
		for name, hasDefault := range ti.params {
			if !hasDefault && !given[name] {
				add("task %s gives no value for its Task's required param %s", pt.Name, name)
			}
		}
		bound := map[string]bool{}
		for _, w := range pt.Workspaces {
			bound[w.Name] = true
			optional, declared := ti.workspaces[w.Name]
			pipelineOptional, inPipeline := pipelineWS[w.Workspace]
			switch {
			case !declared:
				add("task %s binds workspace %s, which its Task does not declare", pt.Name, w.Name)
			case !inPipeline:
				add("task %s binds workspace %s to %s, which the pipeline does not declare", pt.Name, w.Name, w.Workspace)
			case pipelineOptional && !optional:
				add("task %s binds its required workspace %s to the optional %s", pt.Name, w.Name, w.Workspace)
			}
		}
		for name, optional := range ti.workspaces {
			if !optional && !bound[name] {
				add("task %s does not bind its Task's required workspace %s", pt.Name, name)
			}
		}
		for _, ref := range v1.PipelineTaskResultRefs(&pt) {
			problems = append(problems, resultProblem("task "+pt.Name, ref, ifaces, matrixed, usesWhole(pt, ref))...)
		}
	}
	for _, r := range spec.Results {
		exprs, _ := r.GetVarSubstitutionExpressions()
		for _, e := range exprs {
			parts := strings.SplitN(e, ".", 4)
			if len(parts) != 4 || (parts[0] != "tasks" && parts[0] != "finally") || parts[2] != "results" {
				add("pipeline result %s refers to %s, which is no task result", r.Name, e)
				continue
			}
			name, idx := v1.ParseResultName(parts[3])
			ref := &v1.ResultRef{PipelineTask: parts[1], Result: name}
			problems = append(problems, resultProblem("pipeline result "+r.Name, ref, ifaces, matrixed, idx == "*")...)
		}
	}
	sort.Strings(problems)
	return problems
}

// usesWhole reports whether a pipeline task uses a result as a whole array, [*].
func usesWhole(pt v1.PipelineTask, ref *v1.ResultRef) bool {
	needle := fmt.Sprintf("tasks.%s.results.%s[*]", ref.PipelineTask, ref.Result)
	for _, p := range slices.Concat(pt.Params, pt.Matrix.GetAllParams()) {
		if strings.Contains(p.Value.StringVal, needle) || slices.ContainsFunc(p.Value.ArrayVal, func(s string) bool { return strings.Contains(s, needle) }) {
			return true
		}
	}
	return false
}

// resultProblem checks one result reference: the task exists, declares the result, and an
// array is used whole only if it is one (a matrixed task's string results are gathered into
// arrays).
func resultProblem(where string, ref *v1.ResultRef, ifaces map[string]taskInterface, matrixed map[string]bool, whole bool) []string {
	if _, ok := matrixed[ref.PipelineTask]; !ok {
		return []string{fmt.Sprintf("%s refers to the results of %s, which is no task of the pipeline", where, ref.PipelineTask)}
	}
	ti, ok := ifaces[ref.PipelineTask]
	if !ok {
		return nil // the task's own problem is reported
	}
	typ, ok := ti.results[ref.Result]
	switch {
	case !ok:
		return []string{fmt.Sprintf("%s refers to result %s of %s, which its Task does not declare", where, ref.Result, ref.PipelineTask)}
	case whole && typ != v1.ResultsTypeArray && !matrixed[ref.PipelineTask]:
		return []string{fmt.Sprintf("%s uses result %s of %s as an array, but it is a %s", where, ref.Result, ref.PipelineTask, typ)}
	}
	return nil
}

// pipelineSpecs are the specs of every Pipeline, and of every PipelineRun that has one inline,
// under tasks/.
func pipelineSpecs(t *testing.T) map[string]*v1.PipelineSpec {
	t.Helper()
	out := map[string]*v1.PipelineSpec{}
	for _, o := range objects(t) {
		switch v := o.Value.(type) {
		case *v1.Pipeline:
			out[o.String()] = &v.Spec
		case *v1.PipelineRun:
			if v.Spec.PipelineSpec != nil {
				out[o.String()] = v.Spec.PipelineSpec
			}
		}
	}
	return out
}

func TestPipelinesAreWiredToCatalogTasks(t *testing.T) {
	catalog := catalogInterfaces(t)
	specs := pipelineSpecs(t)
	if len(specs) < 6 {
		t.Fatalf("found only %d pipelines", len(specs))
	}
	for where, spec := range specs {
		for _, p := range wiringProblems(spec, catalog) {
			t.Errorf("%s: %s", where, p)
		}
	}
}

func TestWiringProblemsAreFound(t *testing.T) {
	catalog := catalogInterfaces(t)
	deploy := find[*v1.Pipeline](t, objects(t), "netops-deploy").Spec.DeepCopy()
	deploy.Tasks[1].Params = append(deploy.Tasks[1].Params, v1.Param{Name: "sitez", Value: *v1.NewStructuredValues("x")})
	deploy.Tasks[3].Matrix.Params[0].Value = *v1.NewStructuredValues("$(tasks.render.results.clusterz[*])")
	deploy.Tasks[4].Workspaces = deploy.Tasks[4].Workspaces[:1]
	deploy.Tasks[0].TaskRef.Name = "git-klone"
	want := []string{
		"task apply-shared refers to result clusterz of render, which its Task does not declare",
		"task apply-sites does not bind its Task's required workspace kubeconfig",
		"task check gives param sitez, which its Task does not declare",
		"task clone refers to {Name:git-klone Kind:Task APIVersion: ResolverRef:{Resolver: Params:[]}}, which is not a Task in the catalog",
	}
	got := wiringProblems(deploy, catalog)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("wiringProblems missed %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestTaskRunSamplesGiveDeclaredParams(t *testing.T) {
	catalog := catalogInterfaces(t)
	for _, o := range objects(t) {
		tr, ok := o.Value.(*v1.TaskRun)
		if !ok || tr.Spec.TaskRef == nil {
			continue
		}
		ti, ok := catalog[tr.Spec.TaskRef.Name]
		if !ok {
			t.Errorf("%s runs %s, which is not in the catalog", o, tr.Spec.TaskRef.Name)
			continue
		}
		given := map[string]bool{}
		for _, p := range tr.Spec.Params {
			given[p.Name] = true
			if _, ok := ti.params[p.Name]; !ok {
				t.Errorf("%s gives param %s, which %s does not declare", o, p.Name, tr.Spec.TaskRef.Name)
			}
		}
		for name, hasDefault := range ti.params {
			if !hasDefault && !given[name] {
				t.Errorf("%s gives no value for %s's required param %s", o, tr.Spec.TaskRef.Name, name)
			}
		}
		for _, w := range tr.Spec.Workspaces {
			if _, ok := ti.workspaces[w.Name]; !ok {
				t.Errorf("%s binds workspace %s, which %s does not declare", o, w.Name, tr.Spec.TaskRef.Name)
			}
		}
	}
}

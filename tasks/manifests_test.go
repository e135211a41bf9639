package tasks_test

import (
	"context"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	triggersv1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"

	"github.com/netops/netops/tasks/internal/manifests"
)

func TestEveryYAMLDecodesStrictlyAndValidates(t *testing.T) {
	objs := objects(t)
	for _, o := range objs {
		if err := manifests.Validate(context.Background(), o); err != nil {
			t.Error(err)
		}
	}
	var names []string
	for _, o := range objs {
		if (o.GVK.Kind == "Task" || o.GVK.Kind == "Pipeline" || o.GVK.Kind == "EventListener") && !isSampleOrTest(o.File) {
			names = append(names, o.GVK.Kind+"/"+o.Name)
		}
	}
	sort.Strings(names)
	want := []string{
		"EventListener/netops",
		"Pipeline/netops-deploy", "Pipeline/netops-pr-check",
		"Task/netops-apply", "Task/netops-check", "Task/netops-plan", "Task/netops-render", "Task/netops-summary",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("tasks, pipelines and listeners (-want +got):\n%s", diff)
	}
}

// TestTemplatesDecodeStrictlyAndValidate decodes the PipelineRuns the TriggerTemplates create,
// with every $(tt.params.x) set, as Triggers would.
func TestTemplatesDecodeStrictlyAndValidate(t *testing.T) {
	for _, tt := range ofType[*triggersv1.TriggerTemplate](objects(t)) {
		values := map[string]string{}
		for _, p := range tt.Spec.Params {
			values[p.Name] = "42"
		}
		for _, o := range renderTemplate(t, tt, values) {
			if err := manifests.Validate(context.Background(), o); err != nil {
				t.Error(err)
			}
		}
	}
}

// catalogDir is the folder a Task or Pipeline must be in: <name>/<version>/ for a Task,
// pipelines/<name>/<version>/ for a Pipeline.
func catalogDir(o manifests.Object, version string) string {
	dir := o.Name + "/" + version
	if o.GVK.Kind == "Pipeline" {
		dir = "pipelines/" + dir
	}
	return dir
}

func TestTasksAndPipelinesFollowTheCatalogLayout(t *testing.T) {
	for _, o := range objects(t) {
		if o.GVK.Kind != "Task" && o.GVK.Kind != "Pipeline" || isSampleOrTest(o.File) {
			continue
		}
		meta := o.Value.(interface {
			GetLabels() map[string]string
			GetAnnotations() map[string]string
		})
		version := meta.GetLabels()["app.kubernetes.io/version"]
		dir := catalogDir(o, version)
		if want := dir + "/" + o.Name + ".yaml"; o.File != want {
			t.Errorf("%s is in %s, want %s (the label app.kubernetes.io/version is %q)", o, o.File, want, version)
		}
		for _, a := range []string{"tekton.dev/pipelines.minVersion", "tekton.dev/categories", "tekton.dev/tags", "tekton.dev/displayName"} {
			if meta.GetAnnotations()[a] == "" {
				t.Errorf("%s has no annotation %s", o, a)
			}
		}
		if got := meta.GetAnnotations()["tekton.dev/platforms"]; got != "linux/amd64,linux/arm64" {
			t.Errorf("%s: tekton.dev/platforms = %q, want linux/amd64,linux/arm64", o, got)
		}
		if fi, err := os.Stat(path.Join(dir, "README.md")); err != nil || fi.Size() == 0 {
			t.Errorf("%s has no README.md beside it", o)
		}
		for _, sub := range []string{"samples", "tests"} {
			entries, err := os.ReadDir(path.Join(dir, sub))
			if err != nil || len(entries) == 0 {
				t.Errorf("%s has no %s/ beside it, or an empty one", o, sub)
			}
		}
	}
}

func isSampleOrTest(file string) bool {
	return strings.Contains(file, "/samples/") || strings.Contains(file, "/tests/")
}

func TestTasksRunTheNetopsImage(t *testing.T) {
	for _, task := range ofType[*v1.Task](objects(t)) {
		i := slices.IndexFunc(task.Spec.Params, func(p v1.ParamSpec) bool { return p.Name == "image" })
		if i < 0 || task.Spec.Params[i].Default == nil || task.Spec.Params[i].Default.StringVal != netopsImage {
			t.Errorf("Task %s has no param image that defaults to %s", task.Name, netopsImage)
		}
		for _, s := range task.Spec.Steps {
			if s.Image != "$(params.image)" {
				t.Errorf("Task %s step %s runs image %q, want $(params.image)", task.Name, s.Name, s.Image)
			}
		}
	}
}

// steps are every step of every Task, Pipeline, TaskRun, PipelineRun and TriggerTemplate
// under tasks/, each with where it is, and its Task's stepTemplate merged in.
func steps(t *testing.T) map[string]v1.Step {
	t.Helper()
	out := map[string]v1.Step{}
	add := func(where string, spec *v1.TaskSpec) {
		merged, err := v1.MergeStepsWithStepTemplate(spec.StepTemplate, spec.Steps)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range merged {
			out[where+" step "+s.Name+"#"+itoa(i)] = s
		}
	}
	addPipeline := func(where string, spec *v1.PipelineSpec) {
		for _, pt := range slices.Concat(spec.Tasks, spec.Finally) {
			if pt.TaskSpec != nil {
				add(where+" task "+pt.Name, &pt.TaskSpec.TaskSpec)
			}
		}
	}
	var visit func(o manifests.Object)
	visit = func(o manifests.Object) {
		switch v := o.Value.(type) {
		case *v1.Task:
			add(o.String(), &v.Spec)
		case *v1.Pipeline:
			addPipeline(o.String(), &v.Spec)
		case *v1.TaskRun:
			if v.Spec.TaskSpec != nil {
				add(o.String(), v.Spec.TaskSpec)
			}
		case *v1.PipelineRun:
			if v.Spec.PipelineSpec != nil {
				addPipeline(o.String(), v.Spec.PipelineSpec)
			}
		case *triggersv1.TriggerTemplate:
			for _, r := range renderTemplate(t, v, nil) {
				visit(r)
			}
		}
	}
	for _, o := range objects(t) {
		visit(o)
	}
	return out
}

// paramsInScripts names the steps whose script refers to a param: Tekton would paste the
// param's value into the script, where a shell would run what it holds.
func paramsInScripts(steps map[string]v1.Step) []string {
	var bad []string
	for where, s := range steps {
		if strings.Contains(s.Script, "$(params.") || strings.Contains(s.Script, "$(params[") {
			bad = append(bad, where)
		}
	}
	sort.Strings(bad)
	return bad
}

func TestNoScriptRefersToAParam(t *testing.T) {
	all := steps(t)
	if len(all) < 5 {
		t.Fatalf("found only %d steps", len(all))
	}
	if bad := paramsInScripts(all); len(bad) > 0 {
		t.Errorf("these scripts refer to $(params...); pass params through env instead:\n%s", strings.Join(bad, "\n"))
	}
	// The check itself finds a param in a script.
	planted := map[string]v1.Step{"planted": {Script: "echo $(params.site)"}}
	if got := paramsInScripts(planted); len(got) != 1 {
		t.Errorf("paramsInScripts missed a planted $(params.site): %v", got)
	}
}

func TestStepsRunAsNonRootWithoutPrivileges(t *testing.T) {
	for where, s := range steps(t) {
		sc := s.SecurityContext
		switch {
		case sc == nil:
			t.Errorf("%s has no securityContext", where)
		case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0:
			t.Errorf("%s may run as root", where)
		case sc.Privileged != nil && *sc.Privileged:
			t.Errorf("%s is privileged", where)
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			t.Errorf("%s allows privilege escalation", where)
		case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
			t.Errorf("%s has a writable root filesystem", where)
		case sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0:
			t.Errorf("%s keeps capabilities", where)
		}
	}
}

func TestReadmesListEveryParamWorkspaceAndResult(t *testing.T) {
	for _, o := range objects(t) {
		var names []string
		switch v := o.Value.(type) {
		case *v1.Task:
			for _, p := range v.Spec.Params {
				names = append(names, p.Name)
			}
			for _, w := range v.Spec.Workspaces {
				names = append(names, w.Name)
			}
			for _, r := range v.Spec.Results {
				names = append(names, r.Name)
			}
		case *v1.Pipeline:
			for _, p := range v.Spec.Params {
				names = append(names, p.Name)
			}
			for _, w := range v.Spec.Workspaces {
				names = append(names, w.Name)
			}
			for _, r := range v.Spec.Results {
				names = append(names, r.Name)
			}
		default:
			continue
		}
		if isSampleOrTest(o.File) {
			continue
		}
		readme, err := os.ReadFile(path.Join(path.Dir(o.File), "README.md"))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, name := range names {
			if !strings.Contains(string(readme), "| `"+name+"` |") {
				t.Errorf("%s's README has no table row for %s", o, name)
			}
		}
	}
}

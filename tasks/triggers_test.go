package tasks_test

import (
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"

	"github.com/netops/netops/tasks/internal/manifests"
)

const samples = "triggers/netops/0.1/samples/"

// payload is a sample webhook body with some fields changed: path (dot-separated) → value.
func payload(t *testing.T, sample string, set map[string]any) []byte {
	t.Helper()
	data, err := os.ReadFile(samples + sample)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	for path, v := range set {
		setPath(t, body, path, v)
	}
	out, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func setPath(t *testing.T, obj map[string]any, path string, v any) {
	t.Helper()
	keys := splitDots(path)
	for _, k := range keys[:len(keys)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			t.Fatalf("the payload has no object %q in %s", k, path)
		}
		obj = next
	}
	if _, ok := obj[keys[len(keys)-1]]; !ok {
		t.Fatalf("the payload has no %s", path)
	}
	obj[keys[len(keys)-1]] = v
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func firedNames(fired map[string][]manifests.Object) []string {
	names := []string{}
	for name := range fired {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func TestTriggersFilterWebhooks(t *testing.T) {
	const zero = "0000000000000000000000000000000000000000"
	gitea := testSecrets["netops-webhook"]["authorization"]
	tests := []struct {
		name string
		hook webhook
		want []string
	}{
		{"GitHub push to main", githubWebhook("push", payload(t, "github-push.json", nil)), []string{"github-push"}},
		{"GitHub push to a branch", githubWebhook("push", payload(t, "github-push.json", map[string]any{"ref": "refs/heads/wip"})), nil},
		{"GitHub push deleting main", githubWebhook("push", payload(t, "github-push.json", map[string]any{"after": zero, "deleted": true})), nil},
		{"GitHub push with a bad signature", func() webhook {
			w := githubWebhook("push", payload(t, "github-push.json", nil))
			w.header.Set("X-Hub-Signature-256", "sha256="+hmacHex("not-the-secret", w.body))
			return w
		}(), nil},
		{"GitHub pull request opened", githubWebhook("pull_request", payload(t, "github-pull-request.json", nil)), []string{"github-pull-request"}},
		{"GitHub pull request synchronized", githubWebhook("pull_request", payload(t, "github-pull-request.json", map[string]any{"action": "synchronize"})), []string{"github-pull-request"}},
		{"GitHub pull request reopened", githubWebhook("pull_request", payload(t, "github-pull-request.json", map[string]any{"action": "reopened"})), []string{"github-pull-request"}},
		{"GitHub pull request closed", githubWebhook("pull_request", payload(t, "github-pull-request.json", map[string]any{"action": "closed"})), nil},
		{"GitHub pull request to another branch", githubWebhook("pull_request", payload(t, "github-pull-request.json", map[string]any{"pull_request.base.ref": "release"})), nil},
		{"GitHub push as a pull request event", githubWebhook("pull_request", payload(t, "github-push.json", nil)), nil},
		{"Gitea push to main", giteaWebhook("push", payload(t, "gitea-push.json", nil), gitea), []string{"gitea-push"}},
		{"Gitea push without the Authorization header", giteaWebhook("push", payload(t, "gitea-push.json", nil), ""), nil},
		{"Gitea push with a wrong Authorization header", giteaWebhook("push", payload(t, "gitea-push.json", nil), "Bearer guess"), nil},
		{"Gitea push to a branch", giteaWebhook("push", payload(t, "gitea-push.json", map[string]any{"ref": "refs/heads/wip"}), gitea), nil},
		{"Gitea pull request synchronized", giteaWebhook("pull_request", payload(t, "gitea-pull-request.json", nil), gitea), []string{"gitea-pull-request"}},
		{"Gitea pull request opened", giteaWebhook("pull_request", payload(t, "gitea-pull-request.json", map[string]any{"action": "opened"}), gitea), []string{"gitea-pull-request"}},
		{"Gitea pull request closed", giteaWebhook("pull_request", payload(t, "gitea-pull-request.json", map[string]any{"action": "closed"}), gitea), nil},
		{"Gitea push signed like GitHub too", func() webhook {
			w := giteaWebhook("push", payload(t, "gitea-push.json", nil), gitea)
			w.header.Set("X-Hub-Signature-256", "sha256="+hmacHex(testSecrets["netops-webhook"]["secret"], w.body))
			return w
		}(), []string{"gitea-push"}},
	}
	objs := objects(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := firedNames(fire(t, objs, "netops", tt.hook))
			want := tt.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("triggers fired (-want +got):\n%s", diff)
			}
		})
	}
}

// pipelineRunOf is the one PipelineRun a trigger created.
func pipelineRunOf(t *testing.T, fired map[string][]manifests.Object, trigger string) *v1.PipelineRun {
	t.Helper()
	objs := fired[trigger]
	if len(objs) != 1 {
		t.Fatalf("trigger %s created %d resources, want one PipelineRun; fired: %v", trigger, len(objs), firedNames(fired))
	}
	pr, ok := objs[0].Value.(*v1.PipelineRun)
	if !ok {
		t.Fatalf("trigger %s created a %T, want a PipelineRun", trigger, objs[0].Value)
	}
	return pr
}

func paramValues(ps v1.Params) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		m[p.Name] = p.Value.StringVal
	}
	return m
}

func TestTriggersCreatePipelineRunsFromThePayload(t *testing.T) {
	objs := objects(t)
	gitea := testSecrets["netops-webhook"]["authorization"]
	tests := []struct {
		trigger, pipeline string
		hook              webhook
		want              map[string]string
	}{
		{"github-push", "netops-deploy", githubWebhook("push", payload(t, "github-push.json", nil)), map[string]string{
			"repo-url": "https://github.com/homelab/network.git", "revision": "2222222222222222222222222222222222222222", "base-revision": "1111111111111111111111111111111111111111",
		}},
		{"github-pull-request", "netops-pr-check", githubWebhook("pull_request", payload(t, "github-pull-request.json", nil)), map[string]string{
			"repo-url": "https://github.com/homelab/network.git", "revision": "3333333333333333333333333333333333333333", "base-revision": "1111111111111111111111111111111111111111",
		}},
		{"gitea-push", "netops-deploy", giteaWebhook("push", payload(t, "gitea-push.json", nil), gitea), map[string]string{
			"repo-url": "https://gitea.home.lan/homelab/network.git", "revision": "2222222222222222222222222222222222222222", "base-revision": "1111111111111111111111111111111111111111",
		}},
		{"gitea-pull-request", "netops-pr-check", giteaWebhook("pull_request", payload(t, "gitea-pull-request.json", nil), gitea), map[string]string{
			"repo-url": "https://gitea.home.lan/homelab/network.git", "revision": "3333333333333333333333333333333333333333", "base-revision": "1111111111111111111111111111111111111111",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.trigger, func(t *testing.T) {
			pr := pipelineRunOf(t, fire(t, objs, "netops", tt.hook), tt.trigger)
			if pr.Spec.PipelineRef == nil || pr.Spec.PipelineRef.Name != tt.pipeline {
				t.Fatalf("the PipelineRun runs %+v, want %s", pr.Spec.PipelineRef, tt.pipeline)
			}
			if diff := cmp.Diff(tt.want, paramValues(pr.Spec.Params)); diff != "" {
				t.Errorf("PipelineRun params (-want +got):\n%s", diff)
			}
			checkRunsPipeline(t, pr, find[*v1.Pipeline](t, objs, tt.pipeline))
		})
	}
}

// checkRunsPipeline checks that a PipelineRun gives a Pipeline every param and workspace it
// requires, and nothing it does not declare.
func checkRunsPipeline(t *testing.T, pr *v1.PipelineRun, p *v1.Pipeline) {
	t.Helper()
	declared := map[string]bool{}
	for _, ps := range p.Spec.Params {
		declared[ps.Name] = true
		if _, ok := paramValues(pr.Spec.Params)[ps.Name]; !ok && ps.Default == nil {
			t.Errorf("PipelineRun %s gives no value for %s's required param %s", pr.GenerateName, p.Name, ps.Name)
		}
	}
	for _, param := range pr.Spec.Params {
		if !declared[param.Name] {
			t.Errorf("PipelineRun %s gives %s a param it does not declare: %s", pr.GenerateName, p.Name, param.Name)
		}
	}
	bound := map[string]bool{}
	for _, w := range pr.Spec.Workspaces {
		bound[w.Name] = true
	}
	declared = map[string]bool{}
	for _, w := range p.Spec.Workspaces {
		declared[w.Name] = true
		if !bound[w.Name] && !w.Optional {
			t.Errorf("PipelineRun %s does not bind %s's workspace %s", pr.GenerateName, p.Name, w.Name)
		}
	}
	for name := range bound {
		if !declared[name] {
			t.Errorf("PipelineRun %s binds a workspace %s does not declare: %s", pr.GenerateName, p.Name, name)
		}
	}
}

package tasks_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/tasks/internal/runner"
)

// overlappingPool adds to the cabin a MetalLB pool that overlaps its pool.
func overlappingPool(text string) string {
	return text + `      - name: cabin-guest-pool
        prefix: 192.168.22.64/26
        role: pool
        description: Cabin guest services
        pool:
          exposure: lan
          avoidBuggyIPs: true
`
}

// movedPlex moves Plex to another free IP of the LAN pool.
func movedPlex(text string) string {
	return strings.Replace(text, "ip: 192.168.6.60\n", "ip: 192.168.6.61\n", 1)
}

func TestPRCheckPipeline(t *testing.T) {
	repo := homelabRepo(t)
	main := repo.head("main")
	bad := repo.change("guest-pool", "sites/cabin.yaml", "Add a guest pool at the cabin", overlappingPool)
	clean := repo.change("move-plex", "services.yaml", "Move plex to 192.168.6.61", movedPlex)
	objs := objects(t)
	r := newRunner(t)

	// pullRequest is the PipelineRun the EventListener creates for a pull request from head.
	pullRequest := func(t *testing.T, head string) (*runner.PipelineRun, string) {
		hook := githubWebhook("pull_request", payload(t, "github-pull-request.json", map[string]any{
			"repository.clone_url":  repo.url(),
			"pull_request.head.sha": head,
			"pull_request.base.sha": main,
		}))
		pr := pipelineRunOf(t, fire(t, objs, "netops", hook), "github-pull-request")
		got, ws := runPipeline(t, r, withParams(t, pr, nil), nil)
		return got, filepath.Join(ws["source"], ".netops", "reports")
	}

	t.Run("an overlapping pool fails the check", func(t *testing.T) {
		got, reports := pullRequest(t, bad)
		if got.Succeeded {
			t.Fatal("the PR check succeeded; want it failed by the overlapping pool")
		}
		check := taskRunOf(t, got, "check")
		if check.Succeeded || check.Steps[len(check.Steps)-1].ExitCode != 2 {
			t.Fatalf("check: Succeeded = %v, want a failure with exit code 2\n%s", check.Succeeded, check.Output())
		}
		if v := result(t, check, "violations").StringVal; v != "1" {
			t.Errorf("result violations = %q, want 1", v)
		}
		if diff := cmp.Diff([]string{"cabin"}, result(t, check, "sites").ArrayVal); diff != "" {
			t.Errorf("result sites (-want +got):\n%s", diff)
		}
		if s := result(t, check, "summary").StringVal; s != "1 deny (1 new), 0 warn; affected sites: cabin" {
			t.Errorf("result summary = %q", s)
		}
		md := readFile(t, filepath.Join(reports, "check.md"))
		for _, want := range []string{"metallb.pool-overlap", "cabin-guest-pool", "sites/cabin.yaml:"} {
			if !strings.Contains(md, want) {
				t.Errorf("the Markdown report lacks %q:\n%s", want, md)
			}
		}
		if sarif := readFile(t, filepath.Join(reports, "check.sarif")); !strings.Contains(sarif, `"ruleId": "metallb.pool-overlap"`) {
			t.Errorf("the SARIF report lacks the finding:\n%s", sarif)
		}
		if junit := readFile(t, filepath.Join(reports, "check.junit.xml")); !strings.Contains(junit, "metallb.pool-overlap") {
			t.Errorf("the JUnit report lacks the finding:\n%s", junit)
		}
		if _, ok := got.Skipped["plan"]; !ok {
			t.Errorf("plan ran after a failed check")
		}
	})

	t.Run("a clean change passes and is planned", func(t *testing.T) {
		got, reports := pullRequest(t, clean)
		if !got.Succeeded {
			t.Fatalf("the PR check failed: %s", got.Reason)
		}
		check := taskRunOf(t, got, "check")
		if v := result(t, check, "violations").StringVal; v != "0" {
			t.Errorf("result violations = %q, want 0", v)
		}
		if diff := cmp.Diff([]string{"home"}, result(t, check, "sites").ArrayVal); diff != "" {
			t.Errorf("result sites (-want +got):\n%s", diff)
		}
		plan := taskRunOf(t, got, "plan")
		if v := result(t, plan, "changed").StringVal; v != "true" {
			t.Errorf("result changed = %q, want true", v)
		}
		summary := result(t, plan, "summary").StringVal
		if m := regexp.MustCompile(`^Plan: 0 to add, ([1-9]\d*) to change, 0 to destroy\.$`).FindStringSubmatch(summary); m == nil {
			t.Errorf("result summary = %q, want changes only", summary)
		}
		md := readFile(t, filepath.Join(reports, "plan.md"))
		if !strings.Contains(md, "plex") || !strings.Contains(md, "192.168.6.61") {
			t.Errorf("the Markdown plan does not show plex moving to 192.168.6.61:\n%s", md)
		}
		for name, want := range map[string]string{"violations": "0", "plan-changed": "true", "plan-summary": summary} {
			if v, ok := got.Result(name); !ok || v.StringVal != want {
				t.Errorf("pipeline result %s = %+v, want %q", name, v, want)
			}
		}
	})
}

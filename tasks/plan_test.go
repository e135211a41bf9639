package tasks_test

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestPlanTaskOffline(t *testing.T) {
	repo := homelabRepo(t)
	main := repo.head("main")
	clean := repo.change("move-plex", "services.yaml", "Move plex to 192.168.6.61", movedPlex)
	r := newRunner(t)
	tests := []struct {
		name, revision, changed, summary, inPlan string
	}{
		{"a change", clean, "true", "Plan: 0 to add, 2 to change, 0 to destroy.", "192.168.6.61"},
		{"no change", main, "false", "Plan: 0 to add, 0 to change, 0 to destroy.", "No changes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.Log = testLog{t}
			pr := testRun(t, "netops-plan/0.1/tests/run.yaml", map[string]string{"repo-url": repo.url(), "revision": tt.revision, "base-revision": main})
			got, ws := runPipeline(t, r, pr, nil)
			plan := taskRunOf(t, got, "plan")
			mustSucceed(t, plan)
			if v := result(t, plan, "changed").StringVal; v != tt.changed {
				t.Errorf("result changed = %q, want %q", v, tt.changed)
			}
			if v := result(t, plan, "summary").StringVal; v != tt.summary {
				t.Errorf("result summary = %q, want %q", v, tt.summary)
			}
			reports := filepath.Join(ws["source"], ".netops", "reports")
			if text := readFile(t, filepath.Join(reports, "plan.txt")); !strings.Contains(text, tt.inPlan) {
				t.Errorf("plan.txt lacks %q:\n%s", tt.inPlan, text)
			}
			for _, f := range []string{"plan.md", "plan.json"} {
				if readFile(t, filepath.Join(reports, f)) == "" {
					t.Errorf("%s is empty", f)
				}
			}
		})
	}
}

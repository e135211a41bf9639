package tasks_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckTask(t *testing.T) {
	repo := homelabRepo(t)
	main := repo.head("main")
	bad := repo.change("guest-pool", "sites/cabin.yaml", "Add a guest pool at the cabin", overlappingPool)
	r := newRunner(t)

	t.Run("without a base, every site is affected", func(t *testing.T) {
		r.Log = testLog{t}
		pr := testRun(t, "netops-check/0.1/tests/run.yaml", map[string]string{"repo-url": repo.url(), "revision": main, "base-revision": ""})
		got, ws := runPipeline(t, r, pr, nil)
		check := taskRunOf(t, got, "check")
		mustSucceed(t, check)
		if v := result(t, check, "violations").StringVal; v != "0" {
			t.Errorf("result violations = %q, want 0", v)
		}
		if diff := cmp.Diff([]string{"cabin", "home"}, result(t, check, "sites").ArrayVal); diff != "" {
			t.Errorf("result sites (-want +got):\n%s", diff)
		}
		if s := result(t, check, "summary").StringVal; s != "0 deny, 0 warn; affected sites: cabin, home" {
			t.Errorf("result summary = %q", s)
		}
		for _, f := range []string{"check.md", "check.sarif", "check.junit.xml", "check.json", "check.summary"} {
			if fi, err := os.Stat(filepath.Join(ws["source"], ".netops", "reports", f)); err != nil || fi.Size() == 0 {
				t.Errorf("report %s is missing or empty: %v", f, err)
			}
		}
	})

	t.Run("fail-on-violations false reports the new deny and succeeds", func(t *testing.T) {
		r.Log = testLog{t}
		pr := testRun(t, "netops-check/0.1/tests/run.yaml", map[string]string{"repo-url": repo.url(), "revision": bad, "base-revision": main})
		got, _ := runPipeline(t, r, pr, nil)
		check := taskRunOf(t, got, "check")
		mustSucceed(t, check)
		if v := result(t, check, "violations").StringVal; v != "1" {
			t.Errorf("result violations = %q, want 1", v)
		}
		if diff := cmp.Diff([]string{"cabin"}, result(t, check, "sites").ArrayVal); diff != "" {
			t.Errorf("result sites (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown report format fails before checking", func(t *testing.T) {
		r.Log = testLog{t}
		tr := taskRun("check", "netops-check", map[string]string{"subdirectory": "repo", "head-revision": main, "formats": "markdown,pdf"})
		ws := clone(t, r, repo, main)
		got := runTask(t, r, tr, map[string]string{"source": ws})
		if got.Succeeded || got.Steps[0].ExitCode != 1 {
			t.Errorf("Succeeded = %v, steps = %+v; want exit code 1 for the format pdf", got.Succeeded, got.Steps)
		}
	})
}

package tasks_test

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSummaryTaskTabulatesTheApplies(t *testing.T) {
	r := newRunner(t)
	got, ws := runPipeline(t, r, testRun(t, "netops-summary/0.1/tests/run.yaml", nil), nil)
	summary := taskRunOf(t, got, "summary")
	mustSucceed(t, summary)
	want := "Succeeded: 3 targets (2 ok, 1 failed); 2 applied, 150 unchanged, 1 pruned"
	if v := result(t, summary, "summary").StringVal; v != want {
		t.Errorf("result summary = %q, want %q", v, want)
	}
	if v, _ := got.Result("summary"); v.StringVal != want {
		t.Errorf("pipeline result summary = %q, want %q", v.StringVal, want)
	}
	md := readFile(t, filepath.Join(ws["source"], ".netops", "reports", "summary.md"))
	for _, line := range []string{
		"## netops deploy: Succeeded",
		"Check: 0 deny (0 new), 1 warn; affected sites: home",
		"| cabin | 0 | 0 | 0 | failed |",
		"| home | 2 | 21 | 1 | ok |",
		"| homelab | 0 | 129 | 0 | ok |",
	} {
		if !strings.Contains(md, line+"\n") {
			t.Errorf("summary.md lacks the line %q:\n%s", line, md)
		}
	}
}

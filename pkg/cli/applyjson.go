package cli

import (
	"github.com/netops/netops/pkg/apply"
	"github.com/netops/netops/pkg/render"
	"github.com/netops/netops/pkg/source"
)

// applyReport is what apply -o json writes: per target, what happened to its objects and how it ended.
type applyReport struct {
	FormatVersion string         `json:"format_version"`
	Repo          string         `json:"repo"`
	Revision      revisionJSON   `json:"revision"`
	Targets       []targetReport `json:"targets"`
}

type targetReport struct {
	Target     string         `json:"target"`
	Status     string         `json:"status"` // as the text summary says it: ok, failed, failed: locked, …
	Error      string         `json:"error,omitempty"`
	Created    int            `json:"created"`
	Configured int            `json:"configured"`
	Unchanged  int            `json:"unchanged"`
	Pruned     int            `json:"pruned"`
	Warnings   []problemJSON  `json:"warnings"` // the render's, at the plan's file:line
	Objects    []objectReport `json:"objects"`
}

type objectReport struct {
	Object string `json:"object"` // Kind/namespace/name
	Group  string `json:"group,omitempty"`
	Action string `json:"action"` // created, configured, unchanged, pruned or skipped
}

func applyReportOf(repo string, rev source.Revision, targets []*render.Target, results []*apply.Result) applyReport {
	out := applyReport{FormatVersion: "1", Repo: repo, Revision: revisionOf(rev), Targets: []targetReport{}}
	warnings := map[string][]problemJSON{}
	for _, t := range targets {
		warnings[t.Name] = warningsOf(t)
	}
	for _, r := range results {
		t := targetReport{Target: r.Target, Status: status(r.Err), Created: r.Created, Configured: r.Configured,
			Unchanged: r.Unchanged, Pruned: r.Pruned, Warnings: warnings[r.Target], Objects: []objectReport{}}
		if t.Warnings == nil { // a target that failed before it rendered
			t.Warnings = []problemJSON{}
		}
		if r.Err != nil {
			t.Error = r.Err.Error()
		}
		for _, e := range r.Entries {
			t.Objects = append(t.Objects, objectReport{Object: e.Object.String(), Group: e.Object.Group, Action: string(e.Action)})
		}
		out.Targets = append(out.Targets, t)
	}
	return out
}

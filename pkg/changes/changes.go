package changes

import (
	"context"
	"errors"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/source"
)

// Action says what happened to an entity.
type Action string

// The entity actions.
const (
	Added    Action = "added"
	Modified Action = "modified"
	Removed  Action = "removed"
)

// Entity is one top-level plan entity that changed.
type Entity struct {
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	Action Action      `json:"action"`
	Pos    network.Pos `json:"pos"`
	Site   string      `json:"site,omitempty"` // "" for an entity every site shares
}

// Result is what changed from base to head and which sites it affects.
type Result struct {
	MergeBase string              `json:"merge_base"`
	Files     []source.FileChange `json:"files"`
	Entities  []Entity            `json:"entities"`
	Sites     []string            `json:"sites"`     // the affected sites, sorted
	AllSites  bool                `json:"all_sites"` // a shared entity or file changed
}

// Compute compares head with its merge base with base. A plan that does not load at one side is an
// error: check it with load first. A side without the repo's folder (see source.MissingFolderError),
// as before a change that adds it, has an empty plan.
func Compute(ctx context.Context, r *source.Repo, base, head string) (*Result, error) {
	files, err := r.Diff(ctx, base, head)
	if err != nil {
		return nil, err
	}
	mb, err := r.MergeBase(ctx, base, head)
	if err != nil {
		return nil, err
	}
	before, err := planAt(ctx, r, mb)
	if err != nil {
		return nil, err
	}
	after, err := planAt(ctx, r, head)
	if err != nil {
		return nil, err
	}
	res := &Result{MergeBase: mb, Files: files, Entities: Entities(before, after)}
	res.Sites, res.AllSites = affected(res, before, after)
	return res, nil
}

func planAt(ctx context.Context, r *source.Repo, rev string) (*network.Plan, error) {
	fsys, _, err := r.FS(ctx, rev)
	if errors.As(err, new(*source.MissingFolderError)) {
		return &network.Plan{}, nil
	}
	if err != nil {
		return nil, err
	}
	return load.Load(fsys)
}

// Entities lists the top-level entities added, modified or removed from before to after, ignoring
// comments, formatting and moves between files.
func Entities(before, after *network.Plan) []Entity {
	old := byKey(before)
	var out []Entity
	for _, d := range after.Documents {
		prev, ok := old[key(d)]
		delete(old, key(d))
		switch {
		case !ok:
			out = append(out, entity(d, Added))
		case prev.Digest != d.Digest || prev.Site != d.Site:
			out = append(out, entity(d, Modified))
		}
	}
	for _, d := range before.Documents {
		if _, gone := old[key(d)]; gone {
			out = append(out, entity(d, Removed))
		}
	}
	return out
}

func key(d network.Document) string { return d.Kind + "/" + d.Name }

func byKey(p *network.Plan) map[string]network.Document {
	m := make(map[string]network.Document, len(p.Documents))
	for _, d := range p.Documents {
		m[key(d)] = d
	}
	return m
}

func entity(d network.Document, a Action) Entity {
	return Entity{Kind: d.Kind, Name: d.Name, Action: a, Pos: d.Pos, Site: d.Site}
}

// affected lists the sites that the changed entities and files touch.
func affected(res *Result, before, after *network.Plan) ([]string, bool) {
	all := false
	sites := map[string]bool{}
	for _, e := range res.Entities {
		all = all || e.Site == ""
		sites[e.Site] = true
	}
	for _, f := range res.Files {
		site, shared := fileScope(f.Path)
		all = all || shared
		sites[site] = true
	}
	if all {
		return allSites(before, after), true
	}
	delete(sites, "")
	list := slices.Sorted(maps.Keys(sites))
	return list, false
}

// fileScope says which site a changed file that is not a plan document affects: files under
// overlays/<site>/ affect that site, policies and charts affect every site, anything else none.
func fileScope(p string) (site string, shared bool) {
	dir, rest, _ := strings.Cut(p, "/")
	switch dir {
	case "overlays":
		site, _, _ := strings.Cut(rest, "/")
		return site, false
	case "policies", "charts":
		return "", path.Ext(p) != ".md"
	}
	return "", false
}

func allSites(plans ...*network.Plan) []string {
	seen := map[string]bool{}
	for _, p := range plans {
		for _, s := range p.Sites {
			seen[s.Name] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

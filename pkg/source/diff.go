package source

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Action is what happened to a file between two revisions.
type Action string

const (
	Added    Action = "added"
	Modified Action = "modified"
	Deleted  Action = "deleted"
	Renamed  Action = "renamed"
)

// FileChange is one file that changed between two revisions.
type FileChange struct {
	Path    string `json:"path"`               // the file's path at head; at base for a deleted file
	OldPath string `json:"old_path,omitempty"` // the path at base, set for a renamed file
	Action  Action `json:"action"`
}

func (c FileChange) String() string {
	if c.Action == Renamed {
		return fmt.Sprintf("%s %s -> %s", c.Action, c.OldPath, c.Path)
	}
	return fmt.Sprintf("%s %s", c.Action, c.Path)
}

// Diff lists the files that changed from base to head, as git diff base...head does:
// from the merge base of base and head (base itself when it is an ancestor of head)
// to head, with renames detected, sorted by path. Both must be revisions; the working
// tree cannot be compared. A shallow clone that lacks history fetches it from origin once;
// if it is still missing, Diff returns a *MissingRevisionError.
func (r *Repo) Diff(ctx context.Context, base, head string) ([]FileChange, error) {
	if base == "" || head == "" {
		return nil, fmt.Errorf("comparing %q with %q in %s: both must be a branch, tag or commit SHA; the working tree cannot be compared", base, head, r.location)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	to, err := r.commit(ctx, head)
	if err != nil {
		return nil, err
	}
	from, err := r.commit(ctx, base)
	if err != nil {
		return nil, err
	}
	if from, err = r.mergeBase(ctx, from, to, base, head); err != nil {
		return nil, err
	}
	return r.changes(ctx, from, to, base, head)
}

// mergeBase finds the merge base of base and head, fetching missing history once.
func (r *Repo) mergeBase(ctx context.Context, base, head *object.Commit, baseRev, headRev string) (*object.Commit, error) {
	found, err := base.MergeBase(head)
	if isMissing(err) {
		if err := r.fetch(ctx); err != nil {
			return nil, r.missing(baseRev, err)
		}
		found, err = base.MergeBase(head)
	}
	if isMissing(err) {
		return nil, r.missing(baseRev, err)
	}
	if err != nil {
		return nil, fmt.Errorf("finding the merge base of %q and %q in %s: %w", baseRev, headRev, r.location, err)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%q and %q in %s share no history; give a base that head was branched from", baseRev, headRev, r.location)
	}
	return found[0], nil
}

func (r *Repo) changes(ctx context.Context, from, to *object.Commit, baseRev, headRev string) ([]FileChange, error) {
	changes, err := diffTrees(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("comparing %q with %q in %s: %w", baseRev, headRev, r.location, err)
	}
	list := make([]FileChange, 0, len(changes))
	for _, c := range changes {
		if fc, ok := fileChange(c); ok {
			if fc, ok = r.within(fc); ok {
				list = append(list, fc)
			}
		}
	}
	slices.SortFunc(list, func(a, b FileChange) int { return strings.Compare(a.Path, b.Path) })
	return list, nil
}

func diffTrees(ctx context.Context, from, to *object.Commit) (object.Changes, error) {
	a, err := from.Tree()
	if err != nil {
		return nil, err
	}
	b, err := to.Tree()
	if err != nil {
		return nil, err
	}
	return object.DiffTreeWithOptions(ctx, a, b, object.DefaultDiffTreeOptions)
}

// within keeps a change to the repo's folder, with paths relative to it, and drops the others.
// A file renamed into the folder is added to it, and one renamed out of it deleted from it.
func (r *Repo) within(c FileChange) (FileChange, bool) {
	if r.sub == "" {
		return c, true
	}
	prefix := r.sub + "/"
	path, in := strings.CutPrefix(c.Path, prefix)
	old, wasIn := strings.CutPrefix(c.OldPath, prefix)
	switch {
	case c.Action != Renamed && in:
		return FileChange{Path: path, Action: c.Action}, true
	case c.Action != Renamed:
		return FileChange{}, false
	case in && wasIn:
		return FileChange{Path: path, OldPath: old, Action: Renamed}, true
	case in:
		return FileChange{Path: path, Action: Added}, true
	case wasIn:
		return FileChange{Path: old, Action: Deleted}, true
	}
	return FileChange{}, false
}

// fileChange turns a go-git change into a FileChange; submodules are left out.
func fileChange(c *object.Change) (FileChange, bool) {
	from, to := c.From.Name, c.To.Name
	if c.From.TreeEntry.Mode == filemode.Submodule {
		from = ""
	}
	if c.To.TreeEntry.Mode == filemode.Submodule {
		to = ""
	}
	switch {
	case from == "" && to == "":
		return FileChange{}, false
	case from == "":
		return FileChange{Path: to, Action: Added}, true
	case to == "":
		return FileChange{Path: from, Action: Deleted}, true
	case from != to:
		return FileChange{Path: to, OldPath: from, Action: Renamed}, true
	}
	return FileChange{Path: to, Action: Modified}, true
}

package source

import "context"

// MergeBase returns the SHA of the commit that Diff compares head with: the merge base of
// base and head, which is base itself when base is an ancestor of head.
func (r *Repo) MergeBase(ctx context.Context, base, head string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	to, err := r.commit(ctx, head)
	if err != nil {
		return "", err
	}
	from, err := r.commit(ctx, base)
	if err != nil {
		return "", err
	}
	found, err := r.mergeBase(ctx, from, to, base, head)
	if err != nil {
		return "", err
	}
	return found.Hash.String(), nil
}

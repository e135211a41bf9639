package source

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// fullDepth asks the server for the whole history, as git fetch --unshallow does.
const fullDepth = 0x7fffffff

// fetch fetches every branch of origin, with its whole history, once in the life of r,
// and returns the error of that one fetch.
// It is how a shallow CI clone gets the base revision it lacks. The caller holds r.mu.
func (r *Repo) fetch(ctx context.Context) error {
	if !r.fetched {
		r.fetched = true
		r.fetchErr = r.fetchOrigin(ctx)
	}
	return r.fetchErr
}

func (r *Repo) fetchOrigin(ctx context.Context) error {
	remote, err := r.git.Remote(git.DefaultRemoteName)
	if err != nil || len(remote.Config().URLs) == 0 {
		return errors.New(`there is no remote "origin" to fetch it from`)
	}
	url := remote.Config().URLs[0]
	opts, err := r.fetchOptions(url)
	if err != nil {
		return err
	}
	err = remote.FetchContext(ctx, opts)
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetching from origin %s failed: %w", Redact(url), err)
	}
	return r.unshallow()
}

func (r *Repo) fetchOptions(url string) (*git.FetchOptions, error) {
	auth, err := r.auth(url)
	if err != nil {
		return nil, err
	}
	opts := &git.FetchOptions{
		RemoteName: git.DefaultRemoteName,
		RefSpecs:   []config.RefSpec{"+refs/heads/*:refs/remotes/origin/*"},
		Auth:       auth,
	}
	if r.shallow() {
		opts.Depth = fullDepth
	}
	return opts, nil
}

// unshallow drops from the shallow list the commits whose parents are all here now.
// go-git keeps them listed after a deepening fetch, where git would not.
func (r *Repo) unshallow() error {
	list, err := r.git.Storer.Shallow()
	if err != nil || len(list) == 0 {
		return err
	}
	list = slices.DeleteFunc(list, r.hasParents)
	if err := r.git.Storer.SetShallow(list); err != nil {
		return fmt.Errorf("updating the shallow list of %s: %w", r.location, err)
	}
	if s, ok := r.git.Storer.(*filesystem.Storage); ok && len(list) == 0 {
		_ = s.Filesystem().Remove("shallow") // an empty file still marks the clone shallow for git
	}
	return nil
}

func (r *Repo) hasParents(hash plumbing.Hash) bool {
	c, err := r.git.CommitObject(hash)
	if err != nil {
		return false
	}
	for _, p := range c.ParentHashes {
		if _, err := r.git.Storer.EncodedObject(plumbing.CommitObject, p); err != nil {
			return false
		}
	}
	return true
}

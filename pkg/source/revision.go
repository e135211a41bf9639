package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Revision is the commit that files or a check were read from.
type Revision struct {
	Ref     string    // the revision asked for, such as "main" or "HEAD"; empty for files on disk
	Hash    string    // the commit SHA; empty for files on disk
	Signed  bool      // Verify found a good signature by a key in the keyring
	Signer  string    // who made that signature
	Time    time.Time // when the commit was made
	Subject string    // the first line of the commit message
}

func newRevision(ref string, c *object.Commit) Revision {
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return Revision{Ref: ref, Hash: c.Hash.String(), Time: c.Committer.When, Subject: subject}
}

// commit resolves rev to a commit, fetching from origin once if the repository
// lacks it. rev "" is HEAD. The caller holds r.mu.
func (r *Repo) commit(ctx context.Context, rev string) (*object.Commit, error) {
	if r.git == nil {
		return nil, r.plainError(rev)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading revision %q of %s: %w", rev, r.location, err)
	}
	if rev == "" {
		rev = "HEAD"
	}
	c, err := r.lookup(rev)
	if !isMissing(err) {
		return c, r.revisionError(rev, err)
	}
	if err := r.fetch(ctx); err != nil {
		return nil, r.missing(rev, err)
	}
	c, err = r.lookup(rev)
	if isMissing(err) {
		return nil, r.missing(rev, nil)
	}
	return c, r.revisionError(rev, err)
}

// lookup resolves rev as git rev-parse does, then as a branch of origin.
func (r *Repo) lookup(rev string) (*object.Commit, error) {
	hash, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		hash, err = r.git.ResolveRevision(plumbing.Revision("origin/" + rev))
	}
	if err != nil {
		return nil, err
	}
	return r.git.CommitObject(*hash)
}

// isMissing reports whether err means that a revision, or a commit it needs, is not here.
func isMissing(err error) bool {
	return errors.Is(err, plumbing.ErrReferenceNotFound) ||
		errors.Is(err, plumbing.ErrObjectNotFound) ||
		errors.Is(err, io.EOF) // rev~n past the first commit
}

func (r *Repo) revisionError(rev string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("reading revision %q of %s: %w; give a branch, tag or commit SHA", rev, r.location, err)
}

func (r *Repo) missing(rev string, err error) error {
	return &MissingRevisionError{Location: r.location, Rev: rev, Shallow: r.shallow(), Err: err}
}

func (r *Repo) shallow() bool {
	list, err := r.git.Storer.Shallow()
	return err == nil && len(list) > 0
}

func (r *Repo) plainError(rev string) error {
	return fmt.Errorf("%s is not a git repository, so only its files on disk can be read, not revision %q; give a folder in a git work tree, or a git URL",
		r.location, rev)
}

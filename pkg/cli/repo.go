package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/source"
)

// Environment variables that carry git credentials, so that they stay out of argv and logs.
const (
	envToken  = "NETOPS_GIT_TOKEN"   // https token
	envSSHKey = "NETOPS_GIT_SSH_KEY" // path of an ssh private key file
)

// repoFlags are the flags every command that reads the network repo shares.
type repoFlags struct {
	repo string
	rev  string
}

func (f *repoFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.repo, "repo", ".", "the network repo: a folder, or a git URL (file://, https://, ssh://)")
	cmd.Flags().StringVar(&f.rev, "rev", "", "the revision to read: branch, tag or SHA (default: the files on disk, or HEAD of a URL)")
}

// openRepo opens a network repo with the credentials the environment gives.
func openRepo(ctx context.Context, location string, opts ...source.Option) (*source.Repo, error) {
	if tok := os.Getenv(envToken); tok != "" {
		opts = append(opts, source.WithToken(tok))
	}
	if key := os.Getenv(envSSHKey); key != "" {
		opts = append(opts, source.WithSSHKey(key, ""))
	}
	return source.Open(ctx, location, opts...)
}

// loaded is a plan read from a repo at a revision, with the files it was read from.
type loaded struct {
	Plan *network.Plan
	FS   fs.FS
	Rev  source.Revision
}

// readPlan reads and loads the plan of an open repo at rev.
func readPlan(ctx context.Context, r *source.Repo, rev string) (loaded, error) {
	fsys, revision, err := r.FS(ctx, rev)
	if err != nil {
		return loaded{}, err
	}
	p, err := load.LoadContext(ctx, fsys, load.LimitsFromEnv())
	if err != nil {
		return loaded{}, planError(r.Location(), rev, err)
	}
	return loaded{Plan: p, FS: fsys, Rev: revision}, nil
}

// orEmpty turns readPlan's error for a revision without the repo's folder, one from before a change
// added it or after one removed it, into an empty plan, and says so with none.
func orEmpty(l loaded, err error) (_ loaded, none bool, _ error) {
	var missing *source.MissingFolderError
	if errors.As(err, &missing) {
		return loaded{Plan: &network.Plan{}, Rev: missing.Revision}, true, nil
	}
	return l, false, err
}

// openPlan opens the repo at location and loads its plan at rev. The repo is closed again, so the
// plan's files cannot be read afterwards: commands that render use openRepo and readPlan.
func openPlan(ctx context.Context, location, rev string) (*network.Plan, source.Revision, error) {
	r, err := openRepo(ctx, location)
	if err != nil {
		return nil, source.Revision{}, err
	}
	defer r.Close()
	l, err := readPlan(ctx, r, rev)
	return l.Plan, l.Rev, err
}

// PlanError is a plan that did not load: every problem, at its file:line:col.
type PlanError struct {
	Repo   string
	Rev    string
	Errors load.Errors
}

func (e *PlanError) Error() string {
	at := e.Repo
	if e.Rev != "" {
		at += "@" + e.Rev
	}
	return fmt.Sprintf("the plan in %s has %d problem(s):\n%s", at, len(e.Errors), e.Errors.Error())
}

func (e *PlanError) Unwrap() error { return e.Errors }

func planError(repo, rev string, err error) error {
	var list load.Errors
	if errors.As(err, &list) {
		return &PlanError{Repo: repo, Rev: rev, Errors: list}
	}
	return err
}

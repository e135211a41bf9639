package source

import (
	"fmt"
	"strings"
)

// SymlinkError is a symlink in the network repo that is absolute or points outside the repository.
type SymlinkError struct {
	Path   string // the link, relative to the repository root
	Target string // where the link points
	Rev    string // the revision read; empty for the files on disk
}

func (e *SymlinkError) Error() string {
	where := "on disk"
	if e.Rev != "" {
		where = fmt.Sprintf("at revision %q", e.Rev)
	}
	return fmt.Sprintf("%s (%s) is a symlink to %q, which points outside the repository; replace the link with the file itself",
		e.Path, where, e.Target)
}

// MissingRevisionError is a revision that the repository does not hold, even after fetching from origin.
type MissingRevisionError struct {
	Location string
	Rev      string
	Shallow  bool  // the clone is shallow, so the revision may exist upstream
	Err      error // why it is missing, or why fetching it failed; may be nil
}

func (e *MissingRevisionError) Error() string {
	msg := fmt.Sprintf("revision %q not found in %s; give a branch, tag or commit SHA", e.Rev, e.Location)
	if e.Shallow {
		msg = fmt.Sprintf("revision %q is not in this clone at %s (it is shallow); fetch it with `git fetch --unshallow`%s, or clone with depth 0",
			e.Rev, e.Location, fetchHint(e.Rev))
	}
	if e.Err != nil {
		msg += fmt.Sprintf(" (%v)", e.Err)
	}
	return msg
}

// fetchHint suggests fetching rev by name, when rev is a name or SHA git fetch takes.
func fetchHint(rev string) string {
	name := strings.TrimPrefix(rev, "origin/")
	if name == "HEAD" || strings.ContainsAny(name, "~^:@{") {
		return ""
	}
	return fmt.Sprintf(" or `git fetch origin %s`", name)
}

func (e *MissingRevisionError) Unwrap() error { return e.Err }

// SignatureError is a commit without a valid signature by a key in the keyring.
type SignatureError struct {
	Rev    string // the revision asked for
	Hash   string // the commit it resolved to
	Reason string
	Err    error // the error from checking the signature; may be nil
}

func (e *SignatureError) Error() string {
	return fmt.Sprintf("commit %s (revision %q) has no valid signature: %s; sign it with a key in the keyring (git commit -S) or add the signer's public key to the keyring",
		e.Hash, e.Rev, e.Reason)
}

func (e *SignatureError) Unwrap() error { return e.Err }

// MissingFolderError is a revision without the folder the repo was opened at, below the top of its
// work tree: one from before the folder was added, or after it was removed.
type MissingFolderError struct {
	Location string
	Folder   string   // the folder's path in the work tree
	Revision Revision // the commit that lacks it
}

func (e *MissingFolderError) Error() string {
	return fmt.Sprintf("revision %q of the repository that holds %s has no folder %s; give a revision that has it", e.Revision.Ref, e.Location, e.Folder)
}

package apply

import (
	"fmt"
	"strings"
	"time"
)

// LockError is a target whose lock another apply held for longer than the lock timeout.
type LockError struct {
	Target string
	Holder string    // the holder's identity
	Since  time.Time // when the holder took the lock
	Waited time.Duration
}

func (e *LockError) Error() string {
	since := ""
	if !e.Since.IsZero() {
		since = " since " + e.Since.Format(time.RFC3339)
	}
	return fmt.Sprintf("target %s is locked by %q%s; gave up after waiting %s", e.Target, e.Holder, since, e.Waited.Round(time.Second))
}

// LockLostError is a target whose lock could not be renewed before it expired, so the apply stopped.
type LockLostError struct {
	Target string
	Err    error // the last renewal error
}

func (e *LockLostError) Error() string {
	return fmt.Sprintf("target %s: lost the lock, it could not be renewed: %v", e.Target, e.Err)
}

func (e *LockLostError) Unwrap() error { return e.Err }

// PruneError is a prune refused by the guard: an empty render, or too large a share of the inventory.
type PruneError struct {
	Target    string
	Inventory int     // objects in the target's inventory
	Stale     int     // objects the prune would delete
	MaxShare  float64 // the share of the inventory that may go
	Empty     bool    // the render is empty
}

func (e *PruneError) Error() string {
	if e.Empty {
		return fmt.Sprintf("target %s: refusing to prune: the render is empty but the inventory holds %d objects; allow a mass prune to delete them",
			e.Target, e.Inventory)
	}
	return fmt.Sprintf("target %s: refusing to prune %d of %d objects, more than %.0f%% of the inventory; allow a mass prune to delete them",
		e.Target, e.Stale, e.Inventory, e.MaxShare*100)
}

// ConflictError is an object whose fields another field manager owns.
type ConflictError struct {
	Object   ObjectRef
	Managers []string // the other field managers, as the API server names them
	Fields   []string // the contested fields, such as .data.key
	Err      error    // the API server's answer
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s has fields owned by another manager (%s): %s; force the conflicts to take them over",
		e.Object, strings.Join(e.Managers, ", "), strings.Join(e.Fields, ", "))
}

func (e *ConflictError) Unwrap() error { return e.Err }

// ObjectError is an operation on one object that failed.
type ObjectError struct {
	Object ObjectRef
	Op     string // dry-run, apply, get, delete
	Err    error
}

func (e *ObjectError) Error() string { return fmt.Sprintf("%s %s failed: %v", e.Object, e.Op, e.Err) }

func (e *ObjectError) Unwrap() error { return e.Err }

package render

import (
	"fmt"
	"strings"

	"github.com/netops/netops/pkg/network"
)

// Error is a problem of the plan that only rendering finds, at the entity it concerns.
type Error struct {
	Pos network.Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ComponentError is a component (metallb, traefik or weave) whose settings or chart cannot be rendered.
type ComponentError struct {
	Component string
	Pos       network.Pos
	Err       error
}

func (e *ComponentError) Error() string {
	return fmt.Sprintf("%s: component %s: %v", e.Pos, e.Component, e.Err)
}

func (e *ComponentError) Unwrap() error { return e.Err }

// DigestError is a downloaded chart whose sha256 digest is not the one the plan pins.
type DigestError struct {
	Chart string // repo, name and version
	Want  string // the pinned digest; "" when the plan pins none
	Got   string // the digest of what was downloaded
}

func (e *DigestError) Error() string {
	if e.Want == "" {
		return fmt.Sprintf("chart %s is not pinned; add digest: %s", e.Chart, e.Got)
	}
	return fmt.Sprintf("chart %s has digest %s, but the plan pins %s", e.Chart, e.Got, e.Want)
}

// OfflineError is a chart that rendering offline needs but the cache does not hold.
type OfflineError struct {
	Chart  string
	Digest string // "" when the plan pins none
}

func (e *OfflineError) Error() string {
	if e.Digest == "" {
		return fmt.Sprintf("chart %s has no digest, and offline rendering finds charts in the cache by digest", e.Chart)
	}
	return fmt.Sprintf("chart %s (%s) is not in the chart cache; render once without --offline to fetch it", e.Chart, e.Digest)
}

// OverlayError is a target's Kustomize overlay that does not build.
type OverlayError struct {
	Target string
	Path   string // the overlay's folder in the network repo
	Err    error
}

func (e *OverlayError) Error() string {
	return fmt.Sprintf("%s: overlay of target %s: %v", e.Path, e.Target, e.Err)
}

func (e *OverlayError) Unwrap() error { return e.Err }

// ObjectError is a rendered object that is not valid.
type ObjectError struct {
	Object string // Kind/namespace/name
	Err    error
}

func (e *ObjectError) Error() string { return fmt.Sprintf("%s: %v", e.Object, e.Err) }

func (e *ObjectError) Unwrap() error { return e.Err }

// ConflictError is an object rendered more than once: by two targets, or twice in one.
type ConflictError struct {
	Object  string // Kind/namespace/name
	Targets []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s is rendered more than once, by targets %s; each object needs exactly one owner",
		e.Object, strings.Join(e.Targets, " and "))
}

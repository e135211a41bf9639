// Package apply server-side applies each target's rendered objects to a cluster under a lock per target, and prunes what the target's inventory holds that it no longer renders.
package apply

// Package source reads a network repo at any revision, from a local folder or git repository or a remote URL, and lists what changed between two revisions.
package source

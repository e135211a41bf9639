// Package changes maps what changed between two revisions of a network repo to the entities and sites it affects.
package changes

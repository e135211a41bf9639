// Package load reads a network repo's YAML strictly into a resolved network.Plan, reporting every error at its file:line:col.
package load

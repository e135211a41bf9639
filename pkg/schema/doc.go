// Package schema describes the plan's documents, field by field, from the Go types the loader decodes them into: a JSON Schema for editors, `netops explain` and docs/reference.md.
package schema

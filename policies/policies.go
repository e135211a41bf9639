package policies

import "embed"

// FS holds the built-in policies: one Rego v1 module per topic, each with a sibling _test.rego.
//
//go:embed *.rego
var FS embed.FS

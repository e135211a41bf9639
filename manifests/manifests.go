// Package manifests holds netops's built-in Helm charts and Kustomize bases, embedded in the binary.
package manifests

import "embed"

// FS holds the Helm charts under charts/<component>/ and the Kustomize bases under bases/<component>/.
//
//go:embed all:charts all:bases
var FS embed.FS

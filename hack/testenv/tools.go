//go:build tools

// Package testenv pins the Kubernetes control-plane binaries that build.sh
// compiles for envtest. It is a separate module so that the main module's
// dependency graph is unaffected.
package testenv

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)

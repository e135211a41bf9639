//go:build tools

// Package etcd pins the etcd server that build.sh compiles for envtest. It is
// its own module so that etcd's dependency versions do not mix with
// Kubernetes'.
package etcd

import _ "go.etcd.io/etcd/server/v3"

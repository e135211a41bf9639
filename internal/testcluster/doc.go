// Package testcluster starts the envtest control planes of the tests and benchmarks, each with a
// loopback service range, so that a webhook or APIService on it can only ever call this machine.
package testcluster

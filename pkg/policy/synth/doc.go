// Package synth generates a deterministic network repo of any number of sites, for benchmarks and scale tests.
package synth

// Package cli is the netops command line: thin cobra commands over the stage packages, runnable in-process by tests through Run.
package cli

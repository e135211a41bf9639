// Package runner runs Tekton Tasks and Pipelines on the local machine, each step as a process, with Tekton's own variable substitution.
package runner

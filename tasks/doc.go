// Package tasks holds netops's Tekton tasks, pipelines and triggers; its tests decode, index and run them.
package tasks

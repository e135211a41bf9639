// Package render turns a network plan into the Kubernetes objects that make it true, one target per cluster and one per site, with Helm charts and Kustomize run in-process.
package render

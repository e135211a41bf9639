// Package manifests decodes the YAML files under tasks/ strictly into Tekton, Triggers and Kubernetes types.
package manifests

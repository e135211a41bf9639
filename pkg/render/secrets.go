package render

import (
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
)

// SecretError is a rendered Secret that holds something besides its name, labels, type and the
// annotations netops and Helm write: a field that can carry a secret value. The error names the
// field, never what it holds.
type SecretError struct {
	Pos    network.Pos // where the Secret comes from: its overlay's kustomization.yaml, or a plan entity
	Object string      // Secret/namespace/name
	Target string
	Field  string // such as data, or metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]
}

func (e *SecretError) Error() string {
	return fmt.Sprintf("%s: %s in target %s has %s, which can hold a secret value; netops never renders secret values: create the Secret outside the network repo, reference it by name, and remove %s",
		e.Pos, e.Object, e.Target, e.Field, e.Field)
}

// secretKeys are the top-level fields a rendered Secret may have; secretMetadata its metadata's.
var (
	secretKeys     = map[string]bool{"apiVersion": true, "kind": true, "metadata": true, "type": true, "immutable": true}
	secretMetadata = map[string]bool{"name": true, "namespace": true, "generateName": true, "labels": true, "annotations": true}
)

// secretAnnotations are the annotations a rendered Secret may carry: where it comes from, and Helm's
// hooks and ownership, whose values are words that Helm itself reads.
var secretAnnotations = map[string]bool{
	AnnotationSource:                 true,
	"helm.sh/hook":                   true,
	"helm.sh/hook-weight":            true,
	"helm.sh/hook-delete-policy":     true,
	"helm.sh/resource-policy":        true,
	"meta.helm.sh/release-name":      true,
	"meta.helm.sh/release-namespace": true,
}

// CheckSecrets makes sure that no Secret among objs can carry a value: secrets stay out of the
// network repo, and so out of what netops prints, writes and applies. render, plan and check all
// refuse a target through it.
func CheckSecrets(target string, objs []*unstructured.Unstructured) error {
	for _, o := range objs {
		if o.GetAPIVersion() != "v1" || o.GetKind() != "Secret" {
			continue
		}
		if field := valueField(o.Object); field != "" {
			return &ObjectError{Object: refOf(o), Err: &SecretError{Pos: sourcePos(o), Object: refOf(o), Target: target, Field: field}}
		}
	}
	return nil
}

// valueField is the first field of a Secret, in sorted order, that is not one of its names.
func valueField(secret map[string]any) string {
	for _, k := range slices.Sorted(maps.Keys(secret)) {
		if !secretKeys[k] {
			return k
		}
	}
	if t, ok := secret["type"]; ok {
		if _, isString := t.(string); !isString {
			return "type"
		}
	}
	meta, _ := secret["metadata"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		if !secretMetadata[k] {
			return "metadata." + k
		}
	}
	annotations, _ := meta["annotations"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		if !secretAnnotations[k] {
			return fmt.Sprintf("metadata.annotations[%+q]", k)
		}
	}
	return ""
}

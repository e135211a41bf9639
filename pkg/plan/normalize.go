package plan

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Masks that stand for Secret values in every output.
const (
	Masked        = "***"
	MaskedChanged = "*** (changed)"
)

// noise lists fields the API server owns, which a plan leaves out.
var noise = [][]string{
	{"metadata", "managedFields"},
	{"metadata", "resourceVersion"},
	{"metadata", "generation"},
	{"metadata", "uid"},
	{"metadata", "creationTimestamp"},
	{"metadata", "selfLink"},
	{"metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"},
	{"metadata", "annotations", "deployment.kubernetes.io/revision"},
	{"status"},
}

// normalize copies an object's content without the fields the server owns. Empty annotations and
// labels left behind are removed too.
func normalize(o *unstructured.Unstructured) map[string]any {
	if o == nil {
		return nil
	}
	c := o.DeepCopy().Object
	for _, f := range noise {
		unstructured.RemoveNestedField(c, f...)
	}
	for _, m := range []string{"annotations", "labels"} {
		if v, ok, _ := unstructured.NestedMap(c, "metadata", m); ok && len(v) == 0 {
			unstructured.RemoveNestedField(c, "metadata", m)
		}
	}
	return c
}

// isSecret reports whether an object is a core Secret.
func isSecret(o map[string]any) bool {
	return o != nil && o["kind"] == "Secret" && o["apiVersion"] == "v1"
}

// maskSecrets replaces every Secret value of before and after with a mask, in place: "***" where the
// value is the same on both sides, and "*** (changed)" on the after side where it differs.
func maskSecrets(before, after map[string]any) {
	if !isSecret(before) && !isSecret(after) {
		return
	}
	for _, field := range []string{"data", "stringData"} {
		b, _ := nestedMap(before, field)
		a, _ := nestedMap(after, field)
		maskValues(b, a)
	}
}

func nestedMap(o map[string]any, field string) (map[string]any, bool) {
	if o == nil {
		return nil, false
	}
	m, ok := o[field].(map[string]any)
	return m, ok
}

func maskValues(before, after map[string]any) {
	for k, av := range after {
		bv, had := before[k]
		after[k] = Masked
		if had && bv != av {
			after[k] = MaskedChanged
		}
	}
	for k := range before {
		before[k] = Masked
	}
}

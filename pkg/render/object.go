package render

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/netops/netops/pkg/network"
)

// The labels and annotation that every rendered object carries.
const (
	LabelManagedBy   = "app.kubernetes.io/managed-by" // always ManagedBy
	LabelSite        = "netops.dev/site"              // the target's name: a site's, or the cluster's
	AnnotationSource = "netops.dev/source"            // file:line of the plan entity the object comes from
	ManagedBy        = "netops"
)

// add stamps objects with the target's labels and the entity's position, and adds them to the target.
func (t *Target) add(pos network.Pos, objs ...*unstructured.Unstructured) {
	for _, o := range objs {
		stamp(o, t.Name, pos)
	}
	t.Objects = append(t.Objects, objs...)
}

func (t *Target) warn(pos network.Pos, format string, args ...any) {
	t.Warnings = append(t.Warnings, Warning{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// stamp sets the netops labels, and the source annotation unless the object has one already.
func stamp(o *unstructured.Unstructured, target string, pos network.Pos) {
	labels := o.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelManagedBy], labels[LabelSite] = ManagedBy, target
	o.SetLabels(labels)
	annotations := o.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	if _, ok := annotations[AnnotationSource]; !ok {
		annotations[AnnotationSource] = source(pos)
	}
	o.SetAnnotations(annotations)
}

// source formats a position as file:line.
func source(p network.Pos) string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// toObject converts a built-in object made with its Go type, leaving out the empty status and
// creation time that the conversion adds.
func toObject(obj runtime.Object) *unstructured.Unstructured {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		panic(fmt.Sprintf("converting a %T: %v", obj, err)) // a typed object always converts
	}
	delete(m, "status")
	unstructured.RemoveNestedField(m, "metadata", "creationTimestamp")
	return &unstructured.Unstructured{Object: m}
}

// newObject makes an object of a custom kind.
func newObject(apiVersion, kind, namespace, name string, spec map[string]any) *unstructured.Unstructured {
	meta := map[string]any{"name": name}
	if namespace != "" {
		meta["namespace"] = namespace
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": apiVersion, "kind": kind, "metadata": meta, "spec": spec,
	}}
}

// refOf names an object as errors do: Kind/namespace/name, or Kind/name.
func refOf(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetKind() + "/" + o.GetName()
	}
	return o.GetKind() + "/" + o.GetNamespace() + "/" + o.GetName()
}

// list makes a list that unstructured objects can hold.
func list[T any](items []T) []any {
	out := make([]any, len(items))
	for i, v := range items {
		out[i] = v
	}
	return out
}

// stringMap makes a map that unstructured objects can hold.
func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// sortedSet returns the distinct strings of lists, sorted.
func sortedSet(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

package render

import (
	"bytes"

	yaml "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
)

// Result is what Render gives: one target per cluster, then one per site, in the plan's order.
type Result struct {
	Targets []*Target
}

// Target is a set of objects that are applied together: a cluster's shared components, or one site's.
type Target struct {
	Name     string                       // the cluster's name for a cluster target, else the site's
	Cluster  string                       // the cluster the objects go to
	Site     string                       // "" for a cluster target
	Objects  []*unstructured.Unstructured // sorted by kind order, then namespace and name
	Warnings []Warning
}

// Warning is something worth knowing that does not stop rendering, at the plan entity it concerns.
type Warning struct {
	Pos network.Pos
	Msg string
}

func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }

// Target returns the target with this name, or nil.
func (r *Result) Target(name string) *Target {
	for _, t := range r.Targets {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// YAML is the target's objects as one YAML stream, with keys sorted: the same objects give the same bytes.
func (t *Target) YAML() ([]byte, error) {
	return marshalYAML(t.Objects)
}

// marshalYAML writes the objects as a YAML stream. It gives the bytes that sigs.k8s.io/yaml gives, as
// kubectl and kustomize print, without its round trip through JSON, which took two thirds of the time:
// an object holds JSON's types only, which yaml.v2 writes as they would come back from JSON.
func marshalYAML(objs []*unstructured.Unstructured) ([]byte, error) {
	var buf bytes.Buffer
	for _, o := range objs {
		b, err := yaml.Marshal(o.Object)
		if err != nil {
			return nil, &ObjectError{Object: refOf(o), Err: err}
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

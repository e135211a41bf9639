package render_test

import (
	"bytes"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/pkg/render"
)

// TestYAMLAsKubectl checks that a target's YAML is what sigs.k8s.io/yaml, which kubectl and
// kustomize print with, makes of each object: for every object of the homelab and of a synthetic plan.
func TestYAMLAsKubectl(t *testing.T) {
	fsys, p := synthPlan(t, 5)
	targets := append(renderExample(t).Targets, renderPlan(t, p, render.WithRepo(fsys)).Targets...)
	for _, tg := range targets {
		for _, o := range tg.Objects {
			sameYAML(t, o)
		}
	}
}

// FuzzYAML holds a target's YAML to sigs.k8s.io/yaml's for any object that JSON can hold.
func FuzzYAML(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"ConfigMap","data":{"a":"yes","b":"1e3","c":"0x1F","d":"","e":"a: b","f":"line\nline\n","g":"1:20"}}`,
		`{"spec":{"n":1.5,"m":-0,"big":1e21,"t":true,"z":null,"list":[[1,2],{"k":[]},{}],"x10":1,"x9":2}}`,
		`{"s":" lead","u":"\u00e9\u2028","h":"<&>","tab":"\t","long":"` + string(bytes.Repeat([]byte("word "), 40)) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o := &unstructured.Unstructured{}
		if err := o.UnmarshalJSON(data); err != nil {
			return
		}
		sameYAML(t, o)
	})
}

func sameYAML(t *testing.T, o *unstructured.Unstructured) {
	t.Helper()
	want, err := yaml.Marshal(o.Object)
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&render.Target{Objects: []*unstructured.Unstructured{o}}).YAML()
	if err != nil {
		t.Fatal(err)
	}
	if want = append([]byte("---\n"), want...); !bytes.Equal(want, got) {
		t.Errorf("%s/%s: YAML differs from sigs.k8s.io/yaml's\nwant:\n%s\ngot:\n%s", o.GetKind(), o.GetName(), want, got)
	}
}

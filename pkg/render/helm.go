package render

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// release is a chart to render under a release name into a namespace, with values.
type release struct {
	name      string
	namespace string
	values    map[string]any
}

// renderChart renders a chart's templates as helm install would, without a cluster: the objects of
// the release, each namespaced object in the release's namespace unless its template says otherwise.
func renderChart(lc *loadedChart, rel release) ([]*unstructured.Unstructured, error) {
	ch := lc.chart
	values, err := chartValues(rel.values)
	if err != nil {
		return nil, err
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, values); err != nil {
		return nil, err
	}
	options := chartutil.ReleaseOptions{Name: rel.name, Namespace: rel.namespace, Revision: 1, IsInstall: true}
	top, err := chartutil.ToRenderValues(ch, values, options, chartutil.DefaultCapabilities)
	if err != nil {
		return nil, err
	}
	files, err := engine.Render(ch, top)
	if err != nil {
		return nil, err
	}
	objs, err := manifestObjects(files)
	if err != nil {
		return nil, err
	}
	setNamespaces(objs, rel.namespace, lc.scopes)
	return objs, nil
}

// chartValues turns values into what Helm reads from a values file: JSON types, numbers as float64.
func chartValues(v map[string]any) (chartutil.Values, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return chartutil.ReadValues(b)
}

// manifestObjects reads the objects of rendered templates, in file order, leaving out notes and tests.
func manifestObjects(files map[string]string) ([]*unstructured.Unstructured, error) {
	names := make([]string, 0, len(files))
	for name := range files {
		if path.Ext(name) != ".txt" && !strings.HasPrefix(path.Base(name), "_") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var objs []*unstructured.Unstructured
	for _, name := range names {
		docs, err := decodeYAML([]byte(files[name]))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		objs = append(objs, withoutTests(docs)...)
	}
	return objs, nil
}

func withoutTests(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	return slices.DeleteFunc(objs, func(o *unstructured.Unstructured) bool {
		return strings.Contains(o.GetAnnotations()["helm.sh/hook"], "test")
	})
}

// chartCRDs reads the CRDs in the crds/ folders of a chart and its dependencies.
func chartCRDs(ch *chart.Chart) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	for _, crd := range ch.CRDObjects() {
		docs, err := decodeYAML(crd.File.Data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", crd.Filename, err)
		}
		objs = append(objs, docs...)
	}
	return objs, nil
}

// crdScopes tells, for each kind that CRDs define, whether its objects are namespaced.
func crdScopes(crds []*unstructured.Unstructured) map[schema.GroupKind]bool {
	scopes := map[schema.GroupKind]bool{}
	for _, crd := range crds {
		group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "kind")
		scope, _, _ := unstructured.NestedString(crd.Object, "spec", "scope")
		scopes[schema.GroupKind{Group: group, Kind: kind}] = scope != "Cluster"
	}
	return scopes
}

// setNamespaces puts every namespaced object that names no namespace in ns, as helm install does.
func setNamespaces(objs []*unstructured.Unstructured, ns string, scopes map[schema.GroupKind]bool) {
	for _, o := range objs {
		if o.GetNamespace() == "" && namespaced(o, scopes) {
			o.SetNamespace(ns)
		}
	}
}

// namespaced tells whether objects of o's kind live in a namespace; a kind nobody describes is taken
// to be namespaced, as kubectl does.
func namespaced(o *unstructured.Unstructured, scopes map[schema.GroupKind]bool) bool {
	if ns, ok := openapi.IsNamespaceScoped(kyaml.TypeMeta{APIVersion: o.GetAPIVersion(), Kind: o.GetKind()}); ok {
		return ns
	}
	if ns, ok := scopes[o.GroupVersionKind().GroupKind()]; ok {
		return ns
	}
	return true
}

package render_test

import (
	"fmt"
	"testing"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// builtin knows the built-in kinds, and CRDs.
var builtin = func() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}()

var strictJSON = json.NewSerializerWithOptions(json.DefaultMetaFactory, builtin, builtin, json.SerializerOptions{Strict: true})

// decodeBuiltin decodes an object of a built-in kind into its Go type, failing on unknown and
// duplicate fields.
func decodeBuiltin(o *unstructured.Unstructured) (runtime.Object, error) {
	data, err := o.MarshalJSON()
	if err != nil {
		return nil, err
	}
	obj, _, err := strictJSON.Decode(data, nil, nil)
	return obj, err
}

// crdSchema checks custom objects of one kind and version as the API server would.
type crdSchema struct {
	validator  validation.SchemaValidator
	structural *structuralschema.Structural
}

// crdSchemas reads the schemas of the CRDs among objs, checking that each CRD is structural.
func crdSchemas(t *testing.T, objs []*unstructured.Unstructured) map[schema.GroupVersionKind]crdSchema {
	t.Helper()
	out := map[schema.GroupVersionKind]crdSchema{}
	for _, o := range objs {
		obj, err := decodeBuiltin(o)
		if err != nil {
			t.Fatalf("CRD %s: %v", o.GetName(), err)
		}
		crd := obj.(*apiextensionsv1.CustomResourceDefinition)
		for _, v := range crd.Spec.Versions {
			gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
			s, err := newCRDSchema(v.Schema.OpenAPIV3Schema)
			if err != nil {
				t.Fatalf("CRD %s version %s: %v", crd.Name, v.Name, err)
			}
			out[gvk] = s
		}
	}
	return out
}

func newCRDSchema(v1 *apiextensionsv1.JSONSchemaProps) (crdSchema, error) {
	internal := &apiextensionsinternal.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v1, internal, nil); err != nil {
		return crdSchema{}, err
	}
	s, err := structuralschema.NewStructural(internal)
	if err != nil {
		return crdSchema{}, err
	}
	if errs := structuralschema.ValidateStructural(nil, s); len(errs) > 0 {
		return crdSchema{}, fmt.Errorf("not structural: %v", errs.ToAggregate())
	}
	validator, _, err := validation.NewSchemaValidator(internal)
	return crdSchema{validator: validator, structural: s}, err
}

// check validates a custom object against its schema, and fails on fields the schema does not know,
// which the API server would drop.
func (s crdSchema) check(o *unstructured.Unstructured) error {
	if errs := validation.ValidateCustomResource(nil, o.Object, s.validator); len(errs) > 0 {
		return errs.ToAggregate()
	}
	unknown := pruning.PruneWithOptions(o.DeepCopy().Object, s.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	if len(unknown) > 0 {
		return fmt.Errorf("unknown fields %v", unknown)
	}
	return nil
}

// strictCheck decodes o strictly: a built-in kind into its Go type, a custom kind against its CRD.
func strictCheck(o *unstructured.Unstructured, crds map[schema.GroupVersionKind]crdSchema) error {
	gvk := o.GroupVersionKind()
	if builtin.Recognizes(gvk) {
		_, err := decodeBuiltin(o)
		return err
	}
	s, ok := crds[gvk]
	if !ok {
		return fmt.Errorf("no built-in kind or rendered CRD for %s", gvk)
	}
	return s.check(o)
}

// TestStrictDecoding decodes every object of every target strictly: built-in kinds with the
// Kubernetes scheme, MetalLB and Traefik objects against the CRDs that the cluster target renders.
func TestStrictDecoding(t *testing.T) {
	res := renderExample(t)
	crds := crdSchemas(t, ofKind(res, "CustomResourceDefinition"))
	custom := 0
	for _, p := range all(res) {
		if err := strictCheck(p.obj, crds); err != nil {
			t.Errorf("target %s: %s %s/%s: %v", p.target.Name, p.obj.GetKind(), p.obj.GetNamespace(), p.obj.GetName(), err)
		}
		if _, ok := crds[p.obj.GroupVersionKind()]; ok {
			custom++
		}
	}
	if custom < 5 { // 3 IPAddressPools, 2 L2Advertisements, 2 IngressRoutes
		t.Errorf("only %d custom objects were checked against CRDs", custom)
	}
}

// TestStrictDecodingCatches shows that the checks above reject what the API server would reject or drop.
func TestStrictDecodingCatches(t *testing.T) {
	res := renderExample(t)
	crds := crdSchemas(t, ofKind(res, "CustomResourceDefinition"))
	home := target(t, res, "home")
	cases := map[string]*unstructured.Unstructured{
		"unknown Service field":       find(t, home, "Service", "media", "plex").DeepCopy(),
		"unknown IPAddressPool field": find(t, home, "IPAddressPool", "metallb-system", "lan-pool").DeepCopy(),
		"wrong IPAddressPool type":    find(t, home, "IPAddressPool", "metallb-system", "online-pool").DeepCopy(),
		"unknown IngressRoute field":  find(t, home, "IngressRoute", "tekton-pipelines", "tekton-dashboard").DeepCopy(),
	}
	must(t, unstructured.SetNestedField(cases["unknown Service field"].Object, "1.2.3.4", "spec", "loadBalancerIp"))
	must(t, unstructured.SetNestedField(cases["unknown IPAddressPool field"].Object, true, "spec", "avoidBuggyIps"))
	must(t, unstructured.SetNestedField(cases["wrong IPAddressPool type"].Object, "yes", "spec", "avoidBuggyIPs"))
	must(t, unstructured.SetNestedField(cases["unknown IngressRoute field"].Object, "traefik-lan", "spec", "ingressClass"))
	for name, o := range cases {
		if err := strictCheck(o, crds); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

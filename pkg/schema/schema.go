package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/netops/netops/pkg/network"
)

// ID is the schema's $id; editors find the committed copy by its path, docs/schema/netops.schema.json.
const ID = "https://netops.dev/schema/" + "v1alpha1/netops.schema.json"

// dnsLabel is the pattern of a Kubernetes object name, which names in the plan are.
const dnsLabel = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"

// Patterns of the text types: loose, so that the loader's message, which says what is wrong, stays the one people see.
const (
	addrPattern   = "^[0-9A-Fa-f:.]+(%[^/]+)?$"
	prefixPattern = "^[0-9A-Fa-f:.]+/[0-9]{1,3}$"
)

type object = map[string]any

// JSON is the JSON Schema (draft-07) of every plan document, which dispatches on kind.
func JSON() []byte {
	g := &generator{defs: object{}}
	var branches []any
	for _, kind := range Kinds() {
		branches = append(branches, object{
			"if":   object{"properties": object{"kind": object{"const": kind}}, "required": []string{"kind"}},
			"then": object{"$ref": "#/definitions/" + kind + "Document"},
		})
		g.kind(kind)
	}
	s := object{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"$id":         ID,
		"title":       "netops plan document",
		"description": "A document of a netops network repo: apiVersion " + network.APIVersion + " and a kind. Run `netops explain KIND.FIELD` for any field.",
		"type":        "object",
		"required":    []string{"apiVersion", "kind"},
		"properties": object{
			"apiVersion": object{"const": network.APIVersion},
			"kind":       object{"enum": Kinds()},
		},
		"allOf":       branches,
		"definitions": g.defs,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // maps of strings, slices and numbers always encode
	return b.Bytes()
}

// generator builds one definition per struct type, so that a recursive type refers to itself.
type generator struct {
	defs object
}

// kind adds the definition of a kind's document, named after the kind: SiteDocument.
func (g *generator) kind(kind string) {
	f := Kind(kind)
	def := g.structure(f)
	props := def["properties"].(object)
	props["apiVersion"] = object{"const": network.APIVersion, "description": "Always " + network.APIVersion + "."}
	props["kind"] = object{"const": kind}
	g.defs[kind+"Document"] = def
}

// structure is the schema of an object with f's fields: unknown fields are refused, as the loader does.
func (g *generator) structure(f *Field) object {
	props := object{}
	var required []string
	for _, c := range f.Fields {
		props[c.Name] = g.property(c)
		if c.Info.Required {
			required = append(required, c.Name)
		}
	}
	s := object{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// property is the schema of one field, with its description and default.
func (g *generator) property(f *Field) object {
	s := g.value(f, f.goType)
	if d := describe(f); d != "" {
		s["description"] = d
	}
	if f.Info.Default != nil {
		s["default"] = f.Info.Default
	}
	if f.Info.Label {
		s["pattern"] = dnsLabel
	}
	return s
}

// value is the schema of a value of type t at field f.
func (g *generator) value(f *Field, t reflect.Type) object {
	t = deref(t)
	switch {
	case t == addrType:
		return object{"type": "string", "pattern": addrPattern}
	case t == prefixType:
		return object{"type": "string", "pattern": prefixPattern}
	case t == portRefType:
		return object{"type": []string{"string", "integer"}}
	case enums[t] != nil:
		return object{"type": "string", "enum": enumValues(t)}
	case isText(t):
		return object{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Struct:
		return g.ref(f, t)
	case reflect.Slice:
		return object{"type": "array", "items": g.value(f, t.Elem())}
	case reflect.Map:
		return object{"type": "object", "additionalProperties": g.value(f, t.Elem())}
	case reflect.Int:
		return object{"type": "integer", "minimum": 0, "maximum": 1 << 31}
	case reflect.Bool:
		return object{"type": "boolean"}
	case reflect.Interface:
		return object{}
	}
	return object{"type": "string"}
}

// ref points at the definition of struct type t, adding it from f's fields the first time.
func (g *generator) ref(f *Field, t reflect.Type) object {
	name := t.Name()
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = object{} // a recursive field finds it while it is being built
		if f.Same != "" {
			f, _ = Lookup(f.Same)
		}
		g.defs[name] = g.structure(f)
	}
	return object{"$ref": "#/definitions/" + name}
}

// enumValues are the strings the loader accepts for an enum type; protocols are read in any case,
// and the schema takes their lower-case spelling too.
func enumValues(t reflect.Type) []string {
	v := enums[t]
	if t == reflect.TypeFor[network.Protocol]() {
		for _, p := range enums[t] {
			v = append(v, strings.ToLower(p))
		}
	}
	return v
}

// describe is a field's description: its doc and its default.
func describe(f *Field) string {
	d := f.Info.Doc
	switch {
	case f.Info.Defaults != "":
		d = strings.TrimSpace(d + " Default: " + f.Info.Defaults + ".")
	case f.Info.Default != nil:
		d = strings.TrimSpace(d + " Default: " + jsonText(f.Info.Default) + ".")
	}
	return d
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // strings, ints and bools
	return strings.Trim(string(b), `"`)
}

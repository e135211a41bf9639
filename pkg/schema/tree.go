package schema

import (
	"encoding"
	"net/netip"
	"reflect"
	"strings"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
)

// Field is one field of a plan document: its path from the kind, its type and what the reference says.
type Field struct {
	Path   string   // such as Site.networks.pool.mode
	Name   string   // the yaml key
	Type   string   // in words: string, integer, prefix, list of objects, …
	Enum   []string // the allowed values, if only some are
	Info   Info
	Fields []*Field // of an object, or of the objects of a list
	Same   string   // the path of the field that describes the same nested type, for a recursive one

	goType reflect.Type // the field's type, pointers removed
}

var (
	addrType        = reflect.TypeFor[netip.Addr]()
	prefixType      = reflect.TypeFor[netip.Prefix]()
	portRefType     = reflect.TypeFor[network.PortRef]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// enums are the types that accept only some strings, with those strings.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[network.Role]():          names(network.Roles),
	reflect.TypeFor[network.Exposure]():      names(network.Exposures),
	reflect.TypeFor[network.Access]():        names(network.Accesses),
	reflect.TypeFor[network.Protocol]():      names(network.Protocols),
	reflect.TypeFor[network.LinkType]():      names(network.LinkTypes),
	reflect.TypeFor[network.VPNType]():       names(network.VPNTypes),
	reflect.TypeFor[network.PoolMode]():      names(network.PoolModes),
	reflect.TypeFor[network.TrafficPolicy](): names(network.TrafficPolicies),
	reflect.TypeFor[network.DNSServer]():     names(network.DNSServers),
	reflect.TypeFor[network.CNI]():           names(network.CNIs),
}

// Unlisted are the types of fields that read themselves from text and of which the schema knows no
// values: a new enum type of the model shows here until it is added to enums.
func Unlisted() []string {
	var out []string
	for _, kind := range Kinds() {
		Walk(Kind(kind), func(f *Field) {
			t := f.goType
			for t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
				t = deref(t.Elem())
			}
			if isText(t) && t.Kind() == reflect.String && enums[t] == nil && t != portRefType {
				out = append(out, f.Path+" ("+t.String()+")")
			}
		})
	}
	return out
}

func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// Kinds lists the document kinds.
func Kinds() []string { return load.Kinds() }

// Kind is the tree of a kind's fields, apiVersion and kind left out.
func Kind(kind string) *Field {
	doc := load.NewDocument(kind)
	if doc == nil {
		return nil
	}
	t := reflect.TypeOf(doc).Elem()
	f := &Field{Path: kind, Name: kind, Type: "object", goType: t}
	f.Fields = children(t, kind, map[reflect.Type]string{t: kind})
	return f
}

// children are the fields of struct type t at path; seen maps the struct types above to their paths.
func children(t reflect.Type, path string, seen map[reflect.Type]string) []*Field {
	var out []*Field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		out = append(out, field(t, sf.Type, name, path+"."+name, seen))
	}
	return out
}

func field(parent, t reflect.Type, name, path string, seen map[reflect.Type]string) *Field {
	f := &Field{Path: path, Name: name, Info: fields[parent.Name()+"."+name]}
	t = deref(t)
	f.goType = t
	f.Type, f.Enum = typeName(t)
	obj := objectOf(t)
	if obj == nil {
		return f
	}
	if at, ok := seen[obj]; ok {
		f.Same = at
		return f
	}
	inner := make(map[reflect.Type]string, len(seen)+1)
	for k, v := range seen {
		inner[k] = v
	}
	inner[obj] = path
	f.Fields = children(obj, path, inner)
	return f
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// objectOf is the struct type whose fields nest under a field of type t: t itself, or its elements.
func objectOf(t reflect.Type) reflect.Type {
	if isText(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return t
	case reflect.Slice, reflect.Map:
		if e := deref(t.Elem()); e.Kind() == reflect.Struct && !isText(e) {
			return e
		}
	}
	return nil
}

func isText(t reflect.Type) bool { return reflect.PointerTo(t).Implements(textUnmarshaler) }

// typeName says what a value of type t is, in words, and which values it takes if only some.
func typeName(t reflect.Type) (string, []string) {
	switch {
	case t == addrType:
		return "IP address", nil
	case t == prefixType:
		return "prefix", nil
	case t == portRefType:
		return "port name or number", nil
	case enums[t] != nil:
		return "string", enums[t]
	case isText(t):
		return "string", nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return "object", nil
	case reflect.Slice:
		e, _ := typeName(deref(t.Elem()))
		return "list of " + plural(e), nil
	case reflect.Map:
		e, _ := typeName(deref(t.Elem()))
		return "map of string to " + e, nil
	case reflect.Int:
		return "integer", nil
	case reflect.Bool:
		return "boolean", nil
	case reflect.Interface:
		return "any", nil
	}
	return "string", nil
}

func plural(s string) string {
	switch s {
	case "IP address", "prefix":
		return s + "es"
	case "any":
		return "values"
	}
	return s + "s"
}

// Lookup finds the field at path, such as Site.networks.pool; the kind's name is case-sensitive.
func Lookup(path string) (*Field, bool) {
	f, err := Find(path)
	return f, err == nil
}

func child(f *Field, name string) *Field {
	for _, c := range f.Fields {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Walk calls fn for each field under f, depth first, in the order the Go types declare them.
func Walk(f *Field, fn func(*Field)) {
	for _, c := range f.Fields {
		fn(c)
		Walk(c, fn)
	}
}

package load

import (
	"encoding"
	"net/netip"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/network"
)

// decoder turns YAML nodes into the model's structs strictly: unknown fields, duplicate keys and wrong
// types are errors at the node's position, and decoding goes on so that every error is reported.
type decoder struct {
	file string
	errs *errs
}

var (
	posType         = reflect.TypeFor[network.Pos]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	addrType        = reflect.TypeFor[netip.Addr]()
	prefixType      = reflect.TypeFor[netip.Prefix]()
)

func (d *decoder) pos(n *yaml.Node) network.Pos {
	return network.Pos{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value) { d.decodeAs(n, v, isText(v.Type())) }

// decodeAs decodes n into v; text says whether v's type reads itself from text (see isText).
func (d *decoder) decodeAs(n *yaml.Node, v reflect.Value, text bool) {
	if n.Kind == yaml.AliasNode && v.Kind() != reflect.Interface {
		d.errs.add(d.pos(n), "write the value out in full", "YAML aliases are not allowed in plan documents")
		return
	}
	if v.Kind() == reflect.Pointer {
		if isNull(n) {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem())
		return
	}
	if text {
		d.text(n, v)
		return
	}
	d.kind(n, v)
}

var textTypes sync.Map // reflect.Type -> bool

// isText reports whether a pointer to a value of type t is an encoding.TextUnmarshaler.
func isText(t reflect.Type) bool {
	if b, ok := textTypes.Load(t); ok {
		return b.(bool)
	}
	b := reflect.PointerTo(t).Implements(textUnmarshaler)
	textTypes.Store(t, b)
	return b
}

func (d *decoder) kind(n *yaml.Node, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		d.structure(n, v, nil)
	case reflect.Slice:
		d.sequence(n, v)
	case reflect.Map:
		d.mapping(n, v)
	case reflect.String:
		if d.scalar(n, "!!str", "a string") {
			v.SetString(n.Value)
		}
	case reflect.Int:
		d.integer(n, v)
	case reflect.Bool:
		if d.scalar(n, "!!bool", "true or false") {
			b, _ := strconv.ParseBool(n.Value)
			v.SetBool(b)
		}
	case reflect.Interface:
		d.anything(n, v)
	}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// scalar reports whether n is a scalar with the given tag, and records an error if it is not.
func (d *decoder) scalar(n *yaml.Node, tag, want string) bool {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == tag {
		return true
	}
	hint := ""
	if tag == "!!str" && n.Kind == yaml.ScalarNode {
		hint = "quote the value to make it a string"
	}
	d.errs.add(d.pos(n), hint, "expected %s, found %s", want, describe(n))
	return false
}

func (d *decoder) integer(n *yaml.Node, v reflect.Value) {
	if !d.scalar(n, "!!int", "a whole number") {
		return
	}
	i, err := strconv.ParseInt(n.Value, 0, 64)
	if err != nil || i < 0 || i > 1<<31 {
		d.errs.add(d.pos(n), "write a whole number from 0 to 2147483648", "number %s is out of range", n.Value)
		return
	}
	v.SetInt(i)
}

func (d *decoder) text(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.errs.add(d.pos(n), textHint(v.Type()), "expected a string, found %s", describe(n))
		return
	}
	if err := unmarshalText(v, n.Value); err != nil {
		d.errs.add(d.pos(n), textHint(v.Type()), "%s", textError(v.Type(), n.Value, err))
	}
}

// unmarshalText is UnmarshalText, without copying the text for the two types a plan has most of.
func unmarshalText(v reflect.Value, text string) error {
	var err error
	switch p := v.Addr().Interface().(type) {
	case *netip.Addr:
		*p = netip.Addr{}
		if text != "" {
			*p, err = netip.ParseAddr(text)
		}
	case *netip.Prefix:
		*p = netip.Prefix{}
		if text != "" {
			*p, err = netip.ParsePrefix(text)
		}
	case encoding.TextUnmarshaler:
		err = p.UnmarshalText([]byte(text))
	}
	return err
}

func textHint(t reflect.Type) string {
	switch t {
	case addrType:
		return "write an IP address such as 192.168.4.1"
	case prefixType:
		return "write a prefix such as 192.168.4.0/24"
	}
	return ""
}

func textError(t reflect.Type, value string, err error) string {
	switch t {
	case addrType:
		return "bad IP address " + strconv.Quote(value)
	case prefixType:
		return "bad prefix " + strconv.Quote(value)
	}
	return err.Error()
}

func (d *decoder) sequence(n *yaml.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errs.add(d.pos(n), "write a list, one item per line starting with \"- \"", "expected a list, found %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	text := isText(v.Type().Elem())
	j := 0
	for _, item := range n.Content {
		if isNull(item) {
			d.errs.add(d.pos(item), "remove the item or fill it in", "empty list item")
			continue
		}
		d.decodeAs(item, s.Index(j), text)
		j++
	}
	v.Set(s.Slice3(0, j, j))
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	if !d.isMapping(n) {
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	text := isText(v.Type().Elem())
	d.pairs(n, func(key string, val *yaml.Node) {
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decodeAs(val, elem, text)
		m.SetMapIndex(reflect.ValueOf(key), elem)
	})
	v.Set(m)
}

func (d *decoder) isMapping(n *yaml.Node) bool {
	if n.Kind == yaml.MappingNode {
		return true
	}
	d.errs.add(d.pos(n), "write key: value pairs", "expected a mapping, found %s", describe(n))
	return false
}

// pairs calls fn for each key of a mapping node, reporting keys that are not strings and duplicate keys.
func (d *decoder) pairs(n *yaml.Node, fn func(key string, val *yaml.Node)) {
	d.pairsAt(n, func(_ int, key string, val *yaml.Node) { fn(key, val) })
}

// pairsAt is pairs, also giving the index of each key in n.Content.
func (d *decoder) pairsAt(n *yaml.Node, fn func(i int, key string, val *yaml.Node)) {
	var seen map[string]int // the first line of each key; a small mapping is searched instead
	if len(n.Content) > 2*smallMapping {
		seen = make(map[string]int, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errs.add(d.pos(k), "use a plain word as the key", "a key must be a string, found %s", describe(k))
			continue
		}
		if first, dup := firstKey(n, i, seen); dup {
			d.errs.add(d.pos(k), "remove one of them", "duplicate key %q (first at line %d)", k.Value, first)
			continue
		}
		if seen != nil {
			seen[k.Value] = k.Line
		}
		fn(i, k.Value, val)
	}
}

// smallMapping is the most keys a mapping has for pairs to look for duplicates by searching the keys
// before, which is faster than a map for the few keys most mappings have.
const smallMapping = 16

// firstKey finds the line of the first scalar key of n before entry i that equals the key at i.
func firstKey(n *yaml.Node, i int, seen map[string]int) (int, bool) {
	key := n.Content[i].Value
	if seen != nil {
		line, ok := seen[key]
		return line, ok
	}
	for j := 0; j < i; j += 2 {
		if k := n.Content[j]; k.Kind == yaml.ScalarNode && k.Value == key {
			return k.Line, true
		}
	}
	return 0, false
}

// structure decodes a mapping into a struct by its yaml tags. Keys in skip are accepted and ignored.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, skip map[string]bool) {
	if !d.isMapping(n) {
		return
	}
	fields := fieldsOf(v.Type())
	if i, ok := fields.pos(); ok {
		v.Field(i).Set(reflect.ValueOf(d.pos(n)))
	}
	d.pairsAt(n, func(at int, key string, val *yaml.Node) {
		i, ok := fields.byName[key]
		switch {
		case ok:
			d.decodeAs(val, v.Field(i), fields.text[i])
		case !skip[key]:
			d.errs.add(d.pos(n.Content[at]), "known fields are: "+strings.Join(fields.names, ", "),
				"unknown field %q in %s", key, kindName(v.Type()))
		}
	})
}

// anything decodes a free-form value, such as Helm values, with yaml.v3's own rules.
func (d *decoder) anything(n *yaml.Node, v reflect.Value) {
	var x any
	if err := n.Decode(&x); err != nil {
		d.errs.add(d.pos(n), "", "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		return
	}
	if x != nil {
		v.Set(reflect.ValueOf(x))
	}
}

type fieldSet struct {
	byName map[string]int
	names  []string
	text   []bool // by field index: see isText
	posIdx int
}

func (f fieldSet) pos() (int, bool) { return f.posIdx, f.posIdx >= 0 }

var fieldCache sync.Map // reflect.Type -> fieldSet

func fieldsOf(t reflect.Type) fieldSet {
	if f, ok := fieldCache.Load(t); ok {
		return f.(fieldSet)
	}
	f := fieldSet{byName: map[string]int{}, text: make([]bool, t.NumField()), posIdx: -1}
	for i := range t.NumField() {
		sf := t.Field(i)
		f.text[i] = isText(sf.Type)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if sf.Type == posType {
			f.posIdx = i
		}
		if name == "" || name == "-" {
			continue
		}
		f.byName[name] = i
		f.names = append(f.names, name)
	}
	sort.Strings(f.names)
	fieldCache.Store(t, f)
	return f
}

func kindName(t reflect.Type) string { return strings.ToLower(t.Name()) }

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	}
	return strconv.Quote(n.Value)
}

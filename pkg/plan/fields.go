package plan

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
)

// Diff lists the fields that differ between two objects' contents, in path order. A nil side means
// the object does not exist there.
func Diff(before, after map[string]any) []Field {
	var out []Field
	diffValue("", "", anyOrNil(before), anyOrNil(after), &out)
	return out
}

func anyOrNil(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

// diffValue compares the values at path, whose last element is the map key field ("" for a list
// item or the top).
func diffValue(path, field string, a, b any, out *[]Field) {
	if am, bm, ok := asMaps(a, b); ok {
		diffMaps(path, am, bm, out)
		return
	}
	if al, bl, ok := asLists(a, b); ok {
		diffList(path, field, al, bl, out)
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, Field{Path: path, Before: a, After: b})
	}
}

// asMaps returns both sides as maps when each is a map or absent, and one at least is a map, so that
// an added or removed mapping is listed field by field.
func asMaps(a, b any) (map[string]any, map[string]any, bool) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	return am, bm, (aIsMap || a == nil) && (bIsMap || b == nil) && (aIsMap || bIsMap)
}

// asLists is asMaps for lists: an added or removed list, or a list that grows or shrinks, is listed
// item by item.
func asLists(a, b any) ([]any, []any, bool) {
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	return al, bl, (aIsList || a == nil) && (bIsList || b == nil) && (aIsList || bIsList)
}

func at(list []any, i int) any {
	if i < len(list) {
		return list[i]
	}
	return nil
}

func diffMaps(path string, a, b map[string]any, out *[]Field) {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		diffValue(join(path, k), k, a[k], b[k], out)
	}
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// join appends a map key to a path: spec.ports, or metadata.annotations["metallb.io/loadBalancerIPs"].
func join(path, key string) string {
	if !plainKey.MatchString(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

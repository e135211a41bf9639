package plan

import (
	"fmt"
	"strings"
)

// mergeKeys names, per list field, the fields that identify an item of it, as Kubernetes's strategic
// merge does: an item is matched by them, not by its position, so that a port inserted at the front
// diffs as one added port. A list of mappings not named here is matched by "name" when every item
// has a distinct one, and by position otherwise.
var mergeKeys = map[string][][]string{
	"ports":                     {{"containerPort", "protocol"}, {"port", "protocol"}},
	"containers":                {{"name"}},
	"initContainers":            {{"name"}},
	"ephemeralContainers":       {{"name"}},
	"env":                       {{"name"}},
	"volumes":                   {{"name"}},
	"volumeMounts":              {{"mountPath"}},
	"volumeDevices":             {{"devicePath"}},
	"imagePullSecrets":          {{"name"}},
	"hostAliases":               {{"ip"}},
	"conditions":                {{"type"}},
	"topologySpreadConstraints": {{"topologyKey", "whenUnsatisfiable"}},
}

// keyDefaults fills key fields that the API server defaults, so that a rendered item without them
// matches the live one with them.
var keyDefaults = map[string]string{"protocol": "TCP"}

// keyedItem is an item of a list with the key that identifies it.
type keyedItem struct {
	key  string
	item any
}

// diffList compares two lists: by key where the list's field has one, by position otherwise.
func diffList(path, field string, a, b []any, out *[]Field) {
	ak, aok := keyItems(field, a, b)
	bk, bok := keyItems(field, b, a)
	if !aok || !bok {
		for i := range max(len(a), len(b)) {
			diffValue(fmt.Sprintf("%s[%d]", path, i), "", at(a, i), at(b, i), out)
		}
		return
	}
	before := make(map[string]any, len(ak))
	for _, k := range ak {
		before[k.key] = k.item
	}
	seen := make(map[string]bool, len(bk))
	for _, k := range bk {
		seen[k.key] = true
		diffValue(path+"["+k.key+"]", "", before[k.key], k.item, out)
	}
	for _, k := range ak {
		if !seen[k.key] {
			diffValue(path+"["+k.key+"]", "", k.item, nil, out)
		}
	}
}

// keyItems keys every item of list by the first of its field's keys that identifies every item of
// both list and other. It reports false when no key does.
func keyItems(field string, list, other []any) ([]keyedItem, bool) {
	for _, fields := range keysOf(field) {
		if keyed, ok := keyBy(fields, list); ok {
			if _, ok := keyBy(fields, other); ok {
				return keyed, true
			}
		}
	}
	return nil, false
}

func keysOf(field string) [][]string {
	if keys, ok := mergeKeys[field]; ok {
		return keys
	}
	return [][]string{{"name"}}
}

// keyBy keys the items of list by fields, or reports false when an item is not a mapping, lacks the
// first field, or shares its key with another item.
func keyBy(fields []string, list []any) ([]keyedItem, bool) {
	out := make([]keyedItem, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, item := range list {
		k, ok := keyOf(fields, item)
		if !ok || seen[k] {
			return nil, false
		}
		seen[k] = true
		out = append(out, keyedItem{key: k, item: item})
	}
	return out, true
}

// keyOf gives an item's key as `port=80,protocol=TCP`.
func keyOf(fields []string, item any) (string, bool) {
	m, ok := item.(map[string]any)
	if !ok {
		return "", false
	}
	parts := make([]string, 0, len(fields))
	for i, f := range fields {
		v, ok := m[f]
		if !ok {
			v, ok = keyDefaults[f]
		}
		if !ok {
			if i == 0 {
				return "", false
			}
			continue
		}
		parts = append(parts, fmt.Sprintf("%s=%v", f, v))
	}
	return strings.Join(parts, ","), true
}

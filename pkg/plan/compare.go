package plan

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Targets maps each target (a site, or the cluster-level target) to its rendered objects.
type Targets map[string][]*unstructured.Unstructured

// Offline compares two renders, such as the base and the head of a pull request, without a cluster.
func Offline(before, after Targets) *Plan {
	p := &Plan{Mode: "offline"}
	for _, t := range targetNames(before, after) {
		p.Targets = append(p.Targets, t)
		p.add(compare(t, before[t], after[t]))
	}
	p.finish()
	return p
}

func targetNames(sets ...Targets) []string {
	var names []string
	for _, s := range sets {
		for name := range s {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// outcome is one object's change and what it means for the network.
type outcome struct {
	change  Change
	summary []Summary
}

func (p *Plan) add(outcomes []outcome) {
	for _, o := range outcomes {
		p.Changes = append(p.Changes, o.change)
		p.Summary = append(p.Summary, o.summary...)
	}
}

// compare pairs a target's objects by kind, namespace and name, in the order of the after side,
// then lists what only the before side has as deletions.
func compare(target string, before, after []*unstructured.Unstructured) []outcome {
	old := make(map[string]*unstructured.Unstructured, len(before))
	for _, o := range before {
		old[RefOf(o).key()] = o
	}
	out := make([]outcome, 0, len(after))
	for _, o := range after {
		k := RefOf(o).key()
		out = append(out, change(target, old[k], o))
		delete(old, k)
	}
	for _, o := range before {
		if _, gone := old[RefOf(o).key()]; gone {
			out = append(out, change(target, o, nil))
		}
	}
	return out
}

// change compares one object's two sides; either may be nil.
func change(target string, before, after *unstructured.Unstructured) outcome {
	b, a := normalize(before), normalize(after)
	maskSecrets(b, a)
	c := Change{Target: target, Fields: withoutSource(Diff(b, a))}
	obj := after
	switch {
	case before == nil:
		c.Action, c.Fields = Create, created(a)
	case after == nil:
		c.Action, c.Fields, obj = Delete, nil, before
	case len(c.Fields) == 0:
		c.Action = NoOp
	default:
		c.Action = Update
	}
	c.Ref, c.Source = RefOf(obj), obj.GetAnnotations()[SourceAnnotation]
	return outcome{change: c, summary: summarize(c, b, a)}
}

// created lists a new object's fields, leaving out those its name already says.
func created(o map[string]any) []Field {
	var out []Field
	for _, f := range Diff(map[string]any{}, o) {
		switch f.Path {
		case "apiVersion", "kind", "metadata.name", "metadata.namespace":
			continue
		}
		out = append(out, f)
	}
	return out
}

// sourcePath is the field that names the plan entity behind an object. It changes whenever an edit
// moves the entity's line, so a plan leaves it out: an object whose only change is that is unchanged.
var sourcePath = join("metadata.annotations", SourceAnnotation)

func withoutSource(fields []Field) []Field {
	out := fields[:0]
	for _, f := range fields {
		if f.Path != sourcePath {
			out = append(out, f)
		}
	}
	return out
}

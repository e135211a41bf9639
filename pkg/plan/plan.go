package plan

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Action is what applying does to one object.
type Action string

// The actions, in the order a plan lists them.
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	NoOp   Action = "no-op"
)

// SourceAnnotation holds the file:line of the plan entity an object was rendered from.
const SourceAnnotation = "netops.dev/source"

// Ref names an object in the cluster.
type Ref struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

func (r Ref) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return fmt.Sprintf("%s/%s/%s", r.Kind, r.Namespace, r.Name)
}

// RefOf names an object.
func RefOf(o *unstructured.Unstructured) Ref {
	return Ref{APIVersion: o.GetAPIVersion(), Kind: o.GetKind(), Namespace: o.GetNamespace(), Name: o.GetName()}
}

// key identifies an object across API versions of its kind.
func (r Ref) key() string {
	group := r.APIVersion
	if i := lastSlash(group); i >= 0 {
		group = group[:i]
	} else {
		group = ""
	}
	return group + "|" + r.Kind + "|" + r.Namespace + "|" + r.Name
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// Change is what happens to one object of one target.
type Change struct {
	Target string  `json:"target"`
	Ref    Ref     `json:"object"`
	Action Action  `json:"action"`
	Source string  `json:"source,omitempty"` // file:line of the plan entity behind the object
	Fields []Field `json:"fields,omitempty"`
}

// Field is one changed field. Secret values never appear: they read "***".
type Field struct {
	Path   string `json:"path"`
	Before any    `json:"before,omitempty"`
	After  any    `json:"after,omitempty"`
}

// Op is how a field changes: "+" added, "-" removed, "~" changed.
func (f Field) Op() string {
	switch {
	case f.Before == nil:
		return "+"
	case f.After == nil:
		return "-"
	}
	return "~"
}

// Counts sums a plan's changes by action.
type Counts struct {
	Create int `json:"create"`
	Update int `json:"update"`
	Delete int `json:"delete"`
	NoOp   int `json:"no_op"`
}

// Plan is every change of every target, and a summary of them in network terms.
type Plan struct {
	Mode    string    `json:"mode"`           // "offline" or "live"
	Base    string    `json:"base,omitempty"` // what head is compared with: a revision, or the cluster
	Head    string    `json:"head,omitempty"`
	Targets []string  `json:"targets"`
	Summary []Summary `json:"summary"`
	Changes []Change  `json:"changes"`
	Counts  Counts    `json:"counts"`
}

// HasChanges reports whether applying the plan would change anything.
func (p *Plan) HasChanges() bool { return p.Counts.Create+p.Counts.Update+p.Counts.Delete > 0 }

// Merge joins plans of the same mode, such as one per cluster, into one.
func Merge(plans ...*Plan) *Plan {
	out := &Plan{}
	for _, p := range plans {
		out.Mode = p.Mode
		out.Targets = append(out.Targets, p.Targets...)
		out.Changes = append(out.Changes, p.Changes...)
		out.Summary = append(out.Summary, p.Summary...)
	}
	slices.Sort(out.Targets)
	out.finish()
	return out
}

// Note adds summary lines, such as the plan entities a change adds or removes, in their place.
func (p *Plan) Note(lines ...Summary) {
	p.Summary = condense(append(lines, p.Summary...))
}

// finish counts the changes and condenses the summary.
func (p *Plan) finish() {
	p.count()
	p.Summary = condense(p.Summary)
}

func (p *Plan) count() {
	p.Counts = Counts{}
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			p.Counts.Create++
		case Update:
			p.Counts.Update++
		case Delete:
			p.Counts.Delete++
		default:
			p.Counts.NoOp++
		}
	}
}

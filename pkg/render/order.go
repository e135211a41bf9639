package render

import (
	"cmp"
	"slices"

	"github.com/fluxcd/pkg/ssa"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// kindRank orders kinds as Flux applies them: CRDs and Namespaces first, webhooks last, other kinds
// in between.
var kindRank = rankOf(ssa.ReconcileOrder)

func rankOf(o ssa.KindOrder) map[string]int {
	rank := make(map[string]int, len(o.First)+len(o.Last))
	for i, k := range o.First {
		rank[k] = i - len(o.First)
	}
	for i, k := range o.Last {
		rank[k] = i + 1
	}
	return rank
}

// sortObjects sorts objects by kind order, then group and kind, then namespace and name.
func sortObjects(objs []*unstructured.Unstructured) {
	slices.SortStableFunc(objs, compareObjects)
}

func compareObjects(a, b *unstructured.Unstructured) int {
	ga, gb := a.GroupVersionKind().GroupKind(), b.GroupVersionKind().GroupKind()
	return cmp.Or(
		cmp.Compare(kindRank[ga.Kind], kindRank[gb.Kind]),
		cmp.Compare(ga.Group, gb.Group),
		cmp.Compare(ga.Kind, gb.Kind),
		cmp.Compare(a.GetNamespace(), b.GetNamespace()),
		cmp.Compare(a.GetName(), b.GetName()),
	)
}

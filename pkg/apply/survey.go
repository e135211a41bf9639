package apply

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// survey is what the cluster holds of the objects about to be applied, read with one metadata list
// per kind and namespace rather than a request per object. Each map is keyed by ObjectRef.ID.
type survey struct {
	live     map[string]bool  // the object exists
	shared   map[string]bool  // it exists, and another field manager has set some of its fields
	unlisted map[string]error // why its kind could not be listed
}

// isNew says whether obj does not exist yet, as far as the survey knows.
func (s survey) isNew(obj *unstructured.Unstructured) bool {
	id := refOf(obj).ID()
	_, unlisted := s.unlisted[id]
	return !unlisted && !s.live[id]
}

// suspect says whether obj may have fields that another field manager owns.
func (s survey) suspect(obj *unstructured.Unstructured) bool {
	id := refOf(obj).ID()
	if err, ok := s.unlisted[id]; ok {
		return !meta.IsNoMatchError(err) // a kind not served yet has no objects
	}
	return s.shared[id]
}

func (a *Applier) survey(ctx context.Context, objs []*unstructured.Unstructured) survey {
	type kindIn struct {
		gvk schema.GroupVersionKind
		ns  string
	}
	groups := map[kindIn][]*unstructured.Unstructured{}
	for _, o := range objs {
		k := kindIn{o.GroupVersionKind(), o.GetNamespace()}
		groups[k] = append(groups[k], o)
	}
	s := survey{live: map[string]bool{}, shared: map[string]bool{}, unlisted: map[string]error{}}
	for k, group := range groups {
		if err := a.surveyKind(ctx, k.gvk, k.ns, s); err != nil {
			for _, o := range group {
				s.unlisted[refOf(o).ID()] = err
			}
		}
	}
	return s
}

// surveyKind lists the metadata of the objects of a kind in a namespace into s.
func (a *Applier) surveyKind(ctx context.Context, gvk schema.GroupVersionKind, ns string, s survey) error {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err := a.client.List(ctx, list, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, item := range list.Items {
		id := ObjectRef{Group: gvk.Group, Kind: gvk.Kind, Namespace: item.Namespace, Name: item.Name}.ID()
		s.live[id] = true
		for _, mf := range item.ManagedFields {
			if mf.Manager != a.opts.FieldManager && mf.Subresource == "" {
				s.shared[id] = true
			}
		}
	}
	return nil
}

package apply

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// servingPoll is how often WaitServing looks again at what is not ready yet.
const servingPoll = time.Second

// NotServingError is a target whose installs could not serve within the timeout: the targets that
// depend on it, a cluster's sites, would be refused by its webhooks or miss its CRDs.
type NotServingError struct {
	Target   string
	Waited   time.Duration
	NotReady []string // one line per object: what it is and why it is not ready
}

func (e *NotServingError) Error() string {
	return fmt.Sprintf("target %s is not ready to serve after %s: %s; check its pods (kubectl get pods -A), or give it longer with --timeout",
		e.Target, e.Waited.Round(time.Second), strings.Join(e.NotReady, "; "))
}

// WaitServing waits, up to the Applier's Timeout, until what t installs can serve the targets that
// depend on it, as Flux's dependsOn waits for a dependency's health: every CRD established, every
// Deployment available, and every webhook's Service with a ready endpoint.
func (a *Applier) WaitServing(ctx context.Context, t Target) error {
	ctx, cancel := context.WithTimeout(ctx, a.opts.Timeout)
	defer cancel()
	start := time.Now()
	for logged := false; ; logged = true {
		notReady, err := a.notServing(ctx, t)
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("target %s: checking what it installs is ready: %w", t.Name, err)
		}
		if err == nil && len(notReady) == 0 {
			return nil
		}
		if !logged {
			a.logf(t.Name, "waiting until it serves: %s", strings.Join(notReady, "; "))
		}
		select {
		case <-ctx.Done():
			if len(notReady) == 0 {
				notReady = []string{ctx.Err().Error()}
			}
			return &NotServingError{Target: t.Name, Waited: time.Since(start), NotReady: notReady}
		case <-time.After(servingPoll):
		}
	}
}

// notServing is a line for each object of t that cannot serve yet.
func (a *Applier) notServing(ctx context.Context, t Target) ([]string, error) {
	var out []string
	for _, obj := range t.Objects {
		var why []string
		var err error
		switch obj.GroupVersionKind().GroupKind().String() {
		case "CustomResourceDefinition.apiextensions.k8s.io":
			why, err = a.crdNotEstablished(ctx, obj)
		case "Deployment.apps":
			why, err = a.deploymentNotAvailable(ctx, obj)
		case "ValidatingWebhookConfiguration.admissionregistration.k8s.io", "MutatingWebhookConfiguration.admissionregistration.k8s.io":
			why, err = a.webhooksNotServed(ctx, obj)
		}
		if err != nil {
			return out, err
		}
		out = append(out, why...)
	}
	return out, nil
}

// live is the cluster's copy of obj, or nil when the cluster has none.
func (a *Applier) live(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(obj.GroupVersionKind())
	err := a.client.Get(ctx, client.ObjectKeyFromObject(obj), u)
	if client.IgnoreNotFound(err) != nil {
		return nil, err
	}
	if err != nil {
		return nil, nil
	}
	return u, nil
}

func (a *Applier) crdNotEstablished(ctx context.Context, obj *unstructured.Unstructured) ([]string, error) {
	u, err := a.live(ctx, obj)
	if err != nil || (u != nil && condition(u, "Established") == "True") {
		return nil, err
	}
	return []string{fmt.Sprintf("CustomResourceDefinition %s is not established", obj.GetName())}, nil
}

func (a *Applier) deploymentNotAvailable(ctx context.Context, obj *unstructured.Unstructured) ([]string, error) {
	u, err := a.live(ctx, obj)
	if err != nil {
		return nil, err
	}
	name := "Deployment " + obj.GetNamespace() + "/" + obj.GetName()
	if u == nil {
		return []string{name + " does not exist"}, nil
	}
	want, found, _ := unstructured.NestedInt64(u.Object, "spec", "replicas")
	if !found {
		want = 1
	}
	seen, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	available, _, _ := unstructured.NestedInt64(u.Object, "status", "availableReplicas")
	if available >= want && seen >= u.GetGeneration() {
		return nil, nil
	}
	why := fmt.Sprintf("%s is not available: %d of %d replicas", name, available, want)
	if seen < u.GetGeneration() {
		why += ", and no controller has seen its last change"
	}
	return []string{why}, nil
}

// webhooksNotServed is a line for each Service that the webhooks of a webhook configuration call
// and that has no ready endpoint, so that the API server's calls to those webhooks fail.
func (a *Applier) webhooksNotServed(ctx context.Context, obj *unstructured.Unstructured) ([]string, error) {
	hooks, _, _ := unstructured.NestedSlice(obj.Object, "webhooks")
	var services []string
	callers := map[string][]string{} // namespace/name of a Service -> the webhooks that call it
	for _, h := range hooks {
		hook, _ := h.(map[string]any)
		ns, _, _ := unstructured.NestedString(hook, "clientConfig", "service", "namespace")
		svc, _, _ := unstructured.NestedString(hook, "clientConfig", "service", "name")
		if svc == "" {
			continue // a URL: netops cannot tell whether it serves
		}
		key := ns + "/" + svc
		if callers[key] == nil {
			services = append(services, key)
		}
		name, _, _ := unstructured.NestedString(hook, "name")
		callers[key] = append(callers[key], name)
	}
	var out []string
	for _, key := range services {
		ns, svc, _ := strings.Cut(key, "/")
		ready, err := a.hasReadyEndpoint(ctx, ns, svc)
		if err != nil {
			return nil, err
		}
		if !ready {
			out = append(out, fmt.Sprintf("%s %s: Service %s has no ready endpoint, so webhooks %s cannot be called",
				obj.GetKind(), obj.GetName(), key, strings.Join(callers[key], ", ")))
		}
	}
	return out, nil
}

// hasReadyEndpoint tells whether one of the Service's EndpointSlices has an endpoint that is ready.
func (a *Applier) hasReadyEndpoint(ctx context.Context, ns, svc string) (bool, error) {
	slices := &unstructured.UnstructuredList{}
	slices.SetAPIVersion("discovery.k8s.io/v1")
	slices.SetKind("EndpointSliceList")
	if err := a.client.List(ctx, slices, client.InNamespace(ns), client.MatchingLabels{"kubernetes.io/service-name": svc}); err != nil {
		return false, err
	}
	for _, s := range slices.Items {
		endpoints, _, _ := unstructured.NestedSlice(s.Object, "endpoints")
		for _, e := range endpoints {
			ep, _ := e.(map[string]any)
			if ready, found, _ := unstructured.NestedBool(ep, "conditions", "ready"); ready || !found {
				return true, nil // an unset ready condition means ready
			}
		}
	}
	return false, nil
}

// condition is the status of the object's condition of the type, or "" when it has none.
func condition(u *unstructured.Unstructured, typ string) string {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			s, _ := m["status"].(string)
			return s
		}
	}
	return ""
}

package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/pkg/apply"
)

// servingTarget is a target that installs a CRD, a Deployment and a webhook configuration whose
// webhook calls Service hook-<id>. The webhook configuration is only read, never applied, so the
// API server never calls it.
func servingTarget(t *testing.T, id string) apply.Target {
	t.Helper()
	docs := strings.NewReplacer("${id}", id).Replace(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: sprockets.serving${id}.netops.test}
spec:
  group: serving${id}.netops.test
  names: {kind: Sprocket, plural: sprockets, singular: sprocket, listKind: SprocketList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ctl, namespace: serving-${id}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ctl}}
  template:
    metadata: {labels: {app: ctl}}
    spec: {containers: [{name: ctl, image: ctl}]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: serving-${id}}
webhooks:
  - name: sprockets.serving${id}.netops.test
    clientConfig: {service: {namespace: serving-${id}, name: hook-${id}}}
`)
	tg := apply.Target{Name: "serving-" + id}
	for _, doc := range strings.Split(docs, "---\n") {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatal(err)
		}
		tg.Objects = append(tg.Objects, u)
	}
	return tg
}

// TestWaitServing waits for a target whose Deployment is not available and whose webhook has no
// endpoint: it fails naming both. Once the test writes what the Deployment controller and the
// EndpointSlice controller would, the same wait returns.
func TestWaitServing(t *testing.T) {
	ctx := context.Background()
	id := newID()
	tg := servingTarget(t, id)
	ns := "serving-" + id
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	for _, obj := range tg.Objects[:2] { // the CRD and the Deployment; the webhook stays out
		if err := k8s.Create(ctx, obj.DeepCopy()); err != nil {
			t.Fatal(err)
		}
	}
	a, err := apply.New(cfg, apply.Options{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	err = a.WaitServing(ctx, tg)
	var ns1 *apply.NotServingError
	if !errors.As(err, &ns1) {
		t.Fatalf("WaitServing: %v, want a NotServingError", err)
	}
	want := []string{
		"Deployment " + ns + "/ctl is not available: 0 of 2 replicas, and no controller has seen its last change",
		"ValidatingWebhookConfiguration " + ns + ": Service " + ns + "/hook-" + id + " has no ready endpoint, so webhooks sprockets.serving" + id + ".netops.test cannot be called",
	}
	if strings.Join(ns1.NotReady, "\n") != strings.Join(want, "\n") {
		t.Errorf("not ready:\n%s\nwant:\n%s", strings.Join(ns1.NotReady, "\n"), strings.Join(want, "\n"))
	}

	available(t, ns, "ctl", 2)
	readyEndpoint(t, ns, "hook-"+id)
	if err := a.WaitServing(ctx, tg); err != nil {
		t.Errorf("WaitServing once all serves: %v", err)
	}
}

func available(t *testing.T, ns, name string, n int32) {
	t.Helper()
	d := &appsv1.Deployment{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, d); err != nil {
		t.Fatal(err)
	}
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n, ReadyReplicas: n, AvailableReplicas: n}
	if err := k8s.Status().Update(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// readyEndpoint gives the Service an EndpointSlice with one ready endpoint, at a documentation address
// that nothing sends to.
func readyEndpoint(t *testing.T, ns, svc string) {
	t.Helper()
	ready := true
	s := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: svc + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"192.0.2.10"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}
	if err := k8s.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

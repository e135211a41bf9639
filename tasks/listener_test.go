package tasks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	triggersv1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"
	"github.com/tektoncd/triggers/pkg/interceptors"
	"github.com/tektoncd/triggers/pkg/interceptors/cel"
	"github.com/tektoncd/triggers/pkg/interceptors/github"
	"github.com/tektoncd/triggers/pkg/template"

	"github.com/netops/netops/tasks/internal/manifests"
)

// This file runs a webhook delivery through an EventListener's triggers with Tekton Triggers' own
// code: its github and cel ClusterInterceptors, then its binding and template resolution, as the
// EventListener's sink does. Only the Secrets the interceptors read come from a map instead of
// the API server.

// testSecrets are the Secrets the EventListener's namespace holds in the tests.
var testSecrets = map[string]map[string]string{
	"netops-webhook": {"secret": "github-hmac-secret", "authorization": "Bearer gitea-token"},
}

// webhook is one delivery: its headers and body, as the EventListener receives them.
type webhook struct {
	header http.Header
	body   []byte
}

func hmacHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// githubWebhook is a delivery as GitHub signs it with the webhook secret.
func githubWebhook(event string, body []byte) webhook {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-GitHub-Event", event)
	h.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	h.Set("X-Hub-Signature-256", "sha256="+hmacHex(testSecrets["netops-webhook"]["secret"], body))
	return webhook{header: h, body: body}
}

// giteaWebhook is a delivery as Gitea sends it: with its own headers, GitHub's and Gogs'
// event headers for compatibility, and the Authorization header the webhook is set to send.
func giteaWebhook(event string, body []byte, authorization string) webhook {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	for _, name := range []string{"X-Gitea-Event", "X-Gogs-Event", "X-GitHub-Event"} {
		h.Set(name, event)
	}
	h.Set("X-Gitea-Signature", hmacHex("gitea-hmac-secret", body))
	h.Set("Authorization", authorization)
	return webhook{header: h, body: body}
}

// listenerNamespace is the namespace the EventListener runs in, where its Secrets are.
const listenerNamespace = "netops"

// secrets is the interceptors' view of the listener namespace's Secrets.
type secrets map[string]map[string]string

func (s secrets) Get(_ context.Context, ns string, ref *triggersv1.SecretRef) ([]byte, error) {
	v, ok := s[ref.SecretName][ref.SecretKey]
	if !ok || ns != listenerNamespace {
		return nil, fmt.Errorf("no key %q in Secret %s/%s", ref.SecretKey, ns, ref.SecretName)
	}
	return []byte(v), nil
}

var _ interceptors.SecretGetter = secrets(nil)

// processor is a ClusterInterceptor as Triggers' core interceptors implement it.
type processor interface {
	Process(context.Context, *triggersv1.InterceptorRequest) *triggersv1.InterceptorResponse
}

// clusterInterceptors are the ClusterInterceptors netops's triggers use, by name.
var clusterInterceptors = map[string]processor{
	"github": github.NewInterceptor(secrets(testSecrets)),
	"cel":    cel.NewInterceptor(secrets(testSecrets)),
}

// fire runs every trigger of the EventListener on w and returns the resources each matching
// trigger creates, by trigger name.
func fire(t *testing.T, objs []manifests.Object, listener string, w webhook) map[string][]manifests.Object {
	t.Helper()
	el := find[*triggersv1.EventListener](t, objs, listener)
	out := map[string][]manifests.Object{}
	for _, trig := range el.Spec.Triggers {
		extensions, ok := intercept(t, trig, w)
		if !ok {
			continue
		}
		out[trig.Name] = resolve(t, objs, trig, w, extensions)
	}
	return out
}

// resolve resolves a trigger's bindings against the event and creates its template's resources.
func resolve(t *testing.T, objs []manifests.Object, trig triggersv1.EventListenerTrigger, w webhook, extensions map[string]any) []manifests.Object {
	t.Helper()
	if trig.Template == nil || trig.Template.Ref == nil {
		t.Fatalf("trigger %s has no template reference", trig.Name)
	}
	for _, b := range trig.Bindings {
		if b.Ref == "" || b.Kind != triggersv1.NamespacedTriggerBindingKind {
			t.Fatalf("trigger %s: binding %+v is not a reference to a TriggerBinding", trig.Name, b)
		}
	}
	spec := triggersv1.TriggerSpec{Bindings: trig.Bindings, Template: *trig.Template, Interceptors: trig.Interceptors}
	rt, err := template.ResolveTrigger(triggersv1.Trigger{Spec: spec},
		lookup[*triggersv1.TriggerBinding](objs), lookup[*triggersv1.ClusterTriggerBinding](objs), lookup[*triggersv1.TriggerTemplate](objs))
	if err != nil {
		t.Fatalf("trigger %s: %v", trig.Name, err)
	}
	params, err := template.ResolveParams(rt, w.body, w.header, extensions, template.NewTriggerContext(w.header.Get("X-GitHub-Delivery")))
	if err != nil {
		t.Fatalf("trigger %s: %v", trig.Name, err)
	}
	return decodeResources(t, rt.TriggerTemplate, template.ResolveResources(rt.TriggerTemplate, params))
}

// lookup finds an object of type T by name, as the EventListener's listers do.
func lookup[T interface{ GetName() string }](objs []manifests.Object) func(string) (T, error) {
	return func(name string) (T, error) {
		for _, v := range ofType[T](objs) {
			if v.GetName() == name {
				return v, nil
			}
		}
		var zero T
		return zero, fmt.Errorf("no %T named %q", zero, name)
	}
}

// find is the object of type T with a name.
func find[T interface{ GetName() string }](t *testing.T, objs []manifests.Object, name string) T {
	t.Helper()
	v, err := lookup[T](objs)(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// intercept runs a trigger's interceptors in order, each on the extensions the ones before it
// added; the event goes on while each lets it. An interceptor whose params or filter do not
// parse fails the test: the EventListener would drop every event on it.
func intercept(t *testing.T, trig triggersv1.EventListenerTrigger, w webhook) (map[string]any, bool) {
	t.Helper()
	extensions := map[string]any{}
	for _, ic := range trig.Interceptors {
		if ic.Ref.Kind != triggersv1.ClusterInterceptorKind {
			t.Fatalf("trigger %s: interceptor %s is a %q, want a ClusterInterceptor", trig.Name, ic.Ref.Name, ic.Ref.Kind)
		}
		p, ok := clusterInterceptors[ic.Ref.Name]
		if !ok {
			t.Fatalf("trigger %s: unknown interceptor %q", trig.Name, ic.Ref.Name)
		}
		resp := p.Process(context.Background(), &triggersv1.InterceptorRequest{
			Body:              string(w.body),
			Header:            w.header,
			Extensions:        extensions,
			InterceptorParams: interceptors.GetInterceptorParams(ic),
			Context: &triggersv1.TriggerContext{
				EventURL:  "http://el-netops.netops.svc:8080",
				EventID:   w.header.Get("X-GitHub-Delivery"),
				TriggerID: "namespaces/" + listenerNamespace + "/triggers/" + trig.Name,
			},
		})
		if !resp.Continue {
			if strings.Contains(resp.Status.Message, "failed to parse") {
				t.Fatalf("trigger %s: interceptor %s: %s", trig.Name, ic.Ref.Name, resp.Status.Message)
			}
			t.Logf("trigger %s: interceptor %s: %s", trig.Name, ic.Ref.Name, resp.Status.Message)
			return nil, false
		}
		for k, v := range resp.Extensions {
			extensions[k] = v
		}
	}
	return extensions, true
}

// renderTemplate creates a TriggerTemplate's resources with values for its params: a param
// without a value takes its default, and without a default is an error. A nil values map
// gives every param its name as its value.
func renderTemplate(t *testing.T, tt *triggersv1.TriggerTemplate, values map[string]string) []manifests.Object {
	t.Helper()
	var params []triggersv1.Param
	for _, p := range tt.Spec.Params {
		v, ok := values[p.Name]
		switch {
		case values == nil:
			v = p.Name
		case !ok && p.Default != nil:
			v = *p.Default
		case !ok:
			t.Fatalf("TriggerTemplate %s: param %q has no value and no default", tt.Name, p.Name)
		}
		params = append(params, triggersv1.Param{Name: p.Name, Value: v})
	}
	return decodeResources(t, tt, template.ResolveResources(tt, params))
}

// decodeResources decodes a template's resources strictly; a $(tt.params.x) left in one is a
// param the template does not declare.
func decodeResources(t *testing.T, tt *triggersv1.TriggerTemplate, resources []json.RawMessage) []manifests.Object {
	t.Helper()
	var out []manifests.Object
	for i, raw := range resources {
		if strings.Contains(string(raw), "$(tt.params.") {
			t.Fatalf("TriggerTemplate %s resource %d refers to an undeclared param: %s", tt.Name, i, raw)
		}
		o, err := manifests.Decode(raw)
		if err != nil {
			t.Fatalf("TriggerTemplate %s resource %d: %v", tt.Name, i, err)
		}
		o.File, o.Index = "TriggerTemplate/"+tt.Name, i
		out = append(out, o)
	}
	return out
}

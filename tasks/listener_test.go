package tasks_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/netops/netops/tasks/internal/manifests"
)

// This file stands in for Tekton Triggers' EventListener, which cannot be fetched here: it
// runs a trigger's interceptors (github and cel, the ClusterInterceptors that ship with
// Triggers, with the CEL extensions netops's filters use), then its bindings and template,
// as the EventListener does.

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

// fire runs every trigger of the EventListener on w and returns the resources each matching
// trigger creates, by trigger name.
func fire(t *testing.T, objs []manifests.Object, listener string, w webhook) map[string][]manifests.Object {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(w.body, &body); err != nil {
		t.Fatal(err)
	}
	el := find[*manifests.EventListener](t, objs, listener)
	out := map[string][]manifests.Object{}
	for _, trig := range el.Spec.Triggers {
		if !intercept(t, trig, w, body) {
			continue
		}
		values := map[string]string{}
		for _, b := range trig.Bindings {
			if b.Ref == "" || b.Kind != "TriggerBinding" {
				t.Fatalf("trigger %s: binding %+v is not a reference to a TriggerBinding", trig.Name, b)
			}
			for _, p := range find[*manifests.TriggerBinding](t, objs, b.Ref).Spec.Params {
				values[p.Name] = bind(t, p.Value, w.header, body)
			}
		}
		if trig.Template == nil || trig.Template.Ref == nil {
			t.Fatalf("trigger %s has no template reference", trig.Name)
		}
		out[trig.Name] = renderTemplate(t, find[*manifests.TriggerTemplate](t, objs, *trig.Template.Ref), values)
	}
	return out
}

// find is the object of type T with a name.
func find[T interface{ GetName() string }](t *testing.T, objs []manifests.Object, name string) T {
	t.Helper()
	for _, v := range ofType[T](objs) {
		if v.GetName() == name {
			return v
		}
	}
	var zero T
	t.Fatalf("no %T named %q", zero, name)
	return zero
}

// intercept runs a trigger's interceptors in order; the event goes on while each lets it.
func intercept(t *testing.T, trig manifests.EventListenerTrigger, w webhook, body map[string]any) bool {
	t.Helper()
	for _, ic := range trig.Interceptors {
		params := map[string]json.RawMessage{}
		for _, p := range ic.Params {
			params[p.Name] = p.Value
		}
		if ic.Ref.Kind != "ClusterInterceptor" {
			t.Fatalf("trigger %s: interceptor %s is a %q, want a ClusterInterceptor", trig.Name, ic.Ref.Name, ic.Ref.Kind)
		}
		var pass bool
		switch ic.Ref.Name {
		case "github":
			pass = githubInterceptor(t, params, w)
		case "cel":
			pass = celInterceptor(t, params, w, body)
		default:
			t.Fatalf("trigger %s: unknown interceptor %q", trig.Name, ic.Ref.Name)
		}
		if !pass {
			return false
		}
	}
	return true
}

// githubInterceptor checks the event type and the HMAC-SHA256 signature, as Triggers' github
// ClusterInterceptor does.
func githubInterceptor(t *testing.T, params map[string]json.RawMessage, w webhook) bool {
	t.Helper()
	var ref struct{ SecretName, SecretKey string }
	var events []string
	if err := strictJSON(params["secretRef"], &ref); err != nil || ref.SecretName == "" || ref.SecretKey == "" {
		t.Fatalf("github interceptor: secretRef %s: %v", params["secretRef"], err)
	}
	if err := strictJSON(params["eventTypes"], &events); err != nil || len(events) == 0 {
		t.Fatalf("github interceptor: eventTypes %s: %v", params["eventTypes"], err)
	}
	if !contains(events, w.header.Get("X-GitHub-Event")) {
		return false
	}
	want := "sha256=" + hmacHex(testSecrets[ref.SecretName][ref.SecretKey], w.body)
	return subtle.ConstantTimeCompare([]byte(w.header.Get("X-Hub-Signature-256")), []byte(want)) == 1
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// celInterceptor evaluates the filter, as Triggers' cel ClusterInterceptor does.
func celInterceptor(t *testing.T, params map[string]json.RawMessage, w webhook, body map[string]any) bool {
	t.Helper()
	for name := range params {
		if name != "filter" {
			t.Fatalf("cel interceptor: param %q is not used by netops's triggers", name)
		}
	}
	var filter string
	if err := json.Unmarshal(params["filter"], &filter); err != nil {
		t.Fatal(err)
	}
	ok, err := evalFilter(filter, w.header, body)
	var evalErr *evalError
	switch {
	case errors.As(err, &evalErr):
		// Triggers turns the event away when its filter fails on it, such as on a missing key.
		t.Logf("cel filter %q: %v", filter, err)
		return false
	case err != nil:
		t.Fatalf("cel filter %q: %v", filter, err)
	}
	return ok
}

// evalError is a filter that compiled but failed on one event.
type evalError struct{ err error }

func (e *evalError) Error() string { return e.err.Error() }

// evalFilter compiles and evaluates a filter in the environment Triggers gives it: header
// (the canonical headers), body, and the extension functions canonical and compareSecret.
func evalFilter(filter string, header http.Header, body map[string]any) (bool, error) {
	headerType := cel.MapType(cel.StringType, cel.ListType(cel.StringType))
	env, err := cel.NewEnv(
		cel.Variable("header", headerType),
		cel.Variable("body", cel.DynType),
		cel.Function("canonical", cel.MemberOverload("header_canonical_string",
			[]*cel.Type{headerType, cel.StringType}, cel.StringType,
			cel.BinaryBinding(func(h, name ref.Val) ref.Val {
				return types.String(header.Get(string(name.(types.String))))
			}))),
		cel.Function("compareSecret", cel.MemberOverload("string_compareSecret_string_string",
			[]*cel.Type{cel.StringType, cel.StringType, cel.StringType}, cel.BoolType,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				value, key, secret := string(args[0].(types.String)), string(args[1].(types.String)), string(args[2].(types.String))
				want, ok := testSecrets[secret][key]
				return types.Bool(ok && subtle.ConstantTimeCompare([]byte(value), []byte(want)) == 1)
			}))),
	)
	if err != nil {
		return false, err
	}
	ast, iss := env.Compile(filter)
	if iss.Err() != nil {
		return false, iss.Err()
	}
	if ast.OutputType() != cel.BoolType {
		return false, fmt.Errorf("the filter is a %s, not a bool", ast.OutputType())
	}
	prg, err := env.Program(ast)
	if err != nil {
		return false, err
	}
	out, _, err := prg.Eval(map[string]any{"header": map[string][]string(header), "body": body})
	if err != nil {
		return false, &evalError{err}
	}
	return out == types.True, nil
}

// bindingVar is a variable of a TriggerBinding value: $(body.a.b) or $(header.Name).
var bindingVar = regexp.MustCompile(`\$\((body|header)\.([^)]+)\)`)

// bind evaluates a TriggerBinding value, as Triggers does: a string is taken as it is, any
// other JSON value as its JSON text.
func bind(t *testing.T, expr string, header http.Header, body map[string]any) string {
	t.Helper()
	return bindingVar.ReplaceAllStringFunc(expr, func(v string) string {
		m := bindingVar.FindStringSubmatch(v)
		if m[1] == "header" {
			return header.Get(m[2])
		}
		var cur any = body
		for _, key := range strings.Split(m[2], ".") {
			obj, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("binding %s: %q is not an object", expr, key)
			}
			if cur, ok = obj[key]; !ok {
				t.Fatalf("binding %s: the payload has no %q", expr, m[2])
			}
		}
		if s, ok := cur.(string); ok {
			return s
		}
		data, _ := json.Marshal(cur)
		return string(data)
	})
}

// ttParam is a TriggerTemplate's reference to its param.
var ttParam = regexp.MustCompile(`\$\(tt\.params\.([a-zA-Z0-9_-]+)\)`)

// renderTemplate creates a TriggerTemplate's resources with values for its params: a param
// without a value takes its default, and without a default is an error. A nil values map
// gives every param its name as its value. The resources are decoded strictly.
func renderTemplate(t *testing.T, tt *manifests.TriggerTemplate, values map[string]string) []manifests.Object {
	t.Helper()
	resolved := map[string]string{}
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
		resolved[p.Name] = v
	}
	var out []manifests.Object
	for i, raw := range tt.Spec.ResourceTemplates {
		text := ttParam.ReplaceAllStringFunc(string(raw.Raw), func(ref string) string {
			name := ttParam.FindStringSubmatch(ref)[1]
			v, ok := resolved[name]
			if !ok {
				t.Fatalf("TriggerTemplate %s refers to an undeclared param %q", tt.Name, name)
			}
			quoted, _ := json.Marshal(v)
			return string(quoted[1 : len(quoted)-1])
		})
		o, err := manifests.Decode([]byte(text))
		if err != nil {
			t.Fatalf("TriggerTemplate %s resource %d: %v", tt.Name, i, err)
		}
		o.File, o.Index = "TriggerTemplate/"+tt.Name, i
		out = append(out, o)
	}
	return out
}

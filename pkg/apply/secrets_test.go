package apply_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/apply"
)

func secret(ns, value string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": "creds", "namespace": ns},
		"type":       "Opaque",
		"stringData": map[string]any{"password": value},
	}}
}

// TestNoSecretValueInResultsOrLogs creates, changes, fights over and prunes a Secret, and searches
// every result, error and log line for its values.
func TestNoSecretValueInResultsOrLogs(t *testing.T) {
	id := newID()
	ns := "home-" + id
	home := target(t, "home", id)
	name := "Secret/" + ns + "/creds"
	changed, edited := "changed-"+secretOf(id), "edited-"+secretOf(id)
	a, log := newApplier(t, apply.Options{Prune: true})
	var seen strings.Builder
	see := func(res *apply.Result, err error) *apply.Result {
		fmt.Fprintf(&seen, "%+v\n%v\n", *res, err)
		for _, e := range res.Entries {
			fmt.Fprintln(&seen, e)
		}
		return res
	}

	if got := actions(see(a.Apply(t.Context(), home)))[name]; got != apply.Created {
		t.Errorf("%s was %s, want created", name, got)
	}
	withChanged := without(home, name)
	withChanged.Objects = append(withChanged.Objects, secret(ns, changed))
	if got := actions(see(a.Apply(t.Context(), withChanged)))[name]; got != apply.Configured {
		t.Errorf("%s was %s, want configured", name, got)
	}
	editByHand(t, secret(ns, edited))
	res, err := a.Apply(t.Context(), withChanged)
	see(res, err)
	if !errors.As(err, new(*apply.ConflictError)) {
		t.Errorf("got %v, want a conflict over %s", err, name)
	}
	forced, forcedLog := newApplier(t, apply.Options{Prune: true, ForceConflicts: true})
	if got := actions(see(forced.Apply(t.Context(), without(home, name))))[name]; got != apply.Pruned {
		t.Errorf("%s was %s, want pruned", name, got)
	}

	out := seen.String() + log.String() + forcedLog.String()
	for _, v := range []string{secretOf(id), changed, edited} {
		for _, form := range []string{v, base64.StdEncoding.EncodeToString([]byte(v))} {
			if strings.Contains(out, form) {
				t.Errorf("a Secret value shows: %q in\n%s", form, out)
			}
		}
	}
}

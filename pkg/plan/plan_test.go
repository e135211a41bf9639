package plan_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/pkg/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func objects(t *testing.T, docs ...string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range docs {
		o := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(d), &o.Object); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

const (
	poolV1 = `{apiVersion: metallb.io/v1beta1, kind: IPAddressPool, metadata: {name: lan-pool, namespace: metallb-system, annotations: {netops.dev/source: "sites/home.yaml:58"}}, spec: {addresses: [192.168.6.0/25]}}`
	poolV2 = `{apiVersion: metallb.io/v1beta1, kind: IPAddressPool, metadata: {name: lan-pool, namespace: metallb-system, annotations: {netops.dev/source: "sites/home.yaml:58"}}, spec: {addresses: [192.168.6.0/24]}}`
	plexV1 = `{apiVersion: v1, kind: Service, metadata: {name: plex, namespace: media, annotations: {metallb.io/loadBalancerIPs: 192.168.6.60, netops.dev/source: "services.yaml:20"}}, spec: {type: LoadBalancer, ports: [{port: 32400}]}}`
	plexV2 = `{apiVersion: v1, kind: Service, metadata: {name: plex, namespace: media, annotations: {metallb.io/loadBalancerIPs: 192.168.6.61, netops.dev/source: "services.yaml:20"}}, spec: {type: LoadBalancer, ports: [{port: 32400}]}}`
	cmOld  = `{apiVersion: v1, kind: ConfigMap, metadata: {name: old, namespace: pihole}, data: {a: b}}`
	secV1  = `{apiVersion: v1, kind: Secret, metadata: {name: weave-passwd, namespace: kube-system}, data: {weave-passwd: c3VwZXJzZWNyZXQx, same: c2FtZXNhbWU=}}`
	secV2  = `{apiVersion: v1, kind: Secret, metadata: {name: weave-passwd, namespace: kube-system}, data: {weave-passwd: c3VwZXJzZWNyZXQy, same: c2FtZXNhbWU=, added: YWRkZWRzZWNyZXQ=}}`
	nsV1   = `{apiVersion: v1, kind: Namespace, metadata: {name: media}}`
)

func samplePlan(t *testing.T) *plan.Plan {
	before := plan.Targets{"home": objects(t, nsV1, poolV1, plexV1, cmOld, secV1)}
	after := plan.Targets{"home": objects(t, nsV1, poolV2, plexV2, secV2), "cabin": objects(t, nsV1)}
	return plan.Offline(before, after)
}

func TestOfflineActions(t *testing.T) {
	p := samplePlan(t)
	got := map[string]plan.Action{}
	for _, c := range p.Changes {
		got[c.Target+" "+c.Ref.String()] = c.Action
	}
	want := map[string]plan.Action{
		"home Namespace/media":                       plan.NoOp,
		"home IPAddressPool/metallb-system/lan-pool": plan.Update,
		"home Service/media/plex":                    plan.Update,
		"home ConfigMap/pihole/old":                  plan.Delete,
		"home Secret/kube-system/weave-passwd":       plan.Update,
		"cabin Namespace/media":                      plan.Create,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(plan.Counts{Create: 1, Update: 3, Delete: 1, NoOp: 1}, p.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestOfflineSummary(t *testing.T) {
	var got []string
	for _, s := range samplePlan(t).Summary {
		got = append(got, s.Kind+": "+s.Text+" @"+s.Source)
	}
	want := []string{
		"pool: pool lan-pool grows from 192.168.6.0/25 to 192.168.6.0/24 @sites/home.yaml:58",
		"ip: service media/plex moves from 192.168.6.60 to 192.168.6.61 @services.yaml:20",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestPoolGrowth(t *testing.T) {
	shrunk := strings.Replace(poolV1, "192.168.6.0/25", "192.168.6.0/26", 1)
	moved := strings.Replace(poolV1, "192.168.6.0/25", "192.168.7.0/25", 1)
	for _, c := range []struct{ after, want string }{
		{shrunk, "pool lan-pool shrinks from 192.168.6.0/25 to 192.168.6.0/26"},
		{moved, "pool lan-pool moves from 192.168.6.0/25 to 192.168.7.0/25"},
	} {
		p := plan.Offline(plan.Targets{"home": objects(t, poolV1)}, plan.Targets{"home": objects(t, c.after)})
		if len(p.Summary) != 1 || p.Summary[0].Text != c.want {
			t.Errorf("summary = %+v, want %q", p.Summary, c.want)
		}
	}
}

// secretValues are the sample Secret's values, plain and base64-encoded.
var secretValues = []string{"c3VwZXJzZWNyZXQx", "c3VwZXJzZWNyZXQy", "YWRkZWRzZWNyZXQ=", "c2FtZXNhbWU=", "supersecret", "samesame", "addedsecret"}

func TestNoSecretValueInAnyView(t *testing.T) {
	p := samplePlan(t)
	for _, format := range []string{"text", "json", "markdown"} {
		v, err := plan.NewView(format)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := v.Write(&b, p); err != nil {
			t.Fatal(err)
		}
		for _, s := range secretValues {
			if strings.Contains(b.String(), s) {
				t.Errorf("%s output holds the Secret value %q", format, s)
			}
		}
		if !strings.Contains(b.String(), plan.MaskedChanged) {
			t.Errorf("%s output does not say the Secret value changed:\n%s", format, b.String())
		}
	}
}

func TestViewsGolden(t *testing.T) {
	p := samplePlan(t)
	for _, format := range []string{"text", "json", "markdown"} {
		v, _ := plan.NewView(format)
		var b bytes.Buffer
		if err := v.Write(&b, p); err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "sample."+format), b.Bytes())
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestNoChanges(t *testing.T) {
	p := plan.Offline(plan.Targets{"home": objects(t, nsV1)}, plan.Targets{"home": objects(t, nsV1)})
	var b bytes.Buffer
	_ = plan.Text{}.Write(&b, p)
	if p.HasChanges() || b.String() != "No changes. The render matches the base's.\n" {
		t.Errorf("got changes=%v:\n%s", p.HasChanges(), b.String())
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := plan.NewView("yaml"); err == nil || !strings.Contains(err.Error(), "use text, json or markdown") {
		t.Errorf("err = %v", err)
	}
}

func TestFieldPaths(t *testing.T) {
	a := objects(t, plexV1)[0].Object
	b := objects(t, plexV2)[0].Object
	got := plan.Diff(a, b)
	want := []plan.Field{{Path: `metadata.annotations["metallb.io/loadBalancerIPs"]`, Before: "192.168.6.60", After: "192.168.6.61"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMultiLineTextShowsChangedLines(t *testing.T) {
	before := objects(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: dns, namespace: pihole}, data: {custom.list: "192.168.4.1 router\n192.168.6.60 plex\n192.168.6.99 pihole\n"}}`)
	after := objects(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: dns, namespace: pihole}, data: {custom.list: "192.168.4.1 router\n192.168.6.61 plex\n192.168.6.99 pihole\n192.168.6.100 new\n"}}`)
	var b bytes.Buffer
	_ = plan.Text{}.Write(&b, plan.Offline(plan.Targets{"home": before}, plan.Targets{"home": after}))
	want := `      ~ data["custom.list"]:
          - 192.168.6.60 plex
          + 192.168.6.61 plex
          + 192.168.6.100 new
`
	if !strings.Contains(b.String(), want) {
		t.Errorf("got:\n%s\nwant it to hold:\n%s", b.String(), want)
	}
}

func TestListsDiffItemByItem(t *testing.T) {
	a := map[string]any{"spec": map[string]any{"addresses": []any{"192.168.6.0/25"}}}
	b := map[string]any{"spec": map[string]any{"addresses": []any{"192.168.6.0/25", "192.168.7.0/25"}, "ports": []any{map[string]any{"port": int64(53)}}}}
	want := []plan.Field{
		{Path: "spec.addresses[1]", After: "192.168.7.0/25"},
		{Path: "spec.ports[port=53,protocol=TCP].port", After: int64(53)},
	}
	if diff := cmp.Diff(want, plan.Diff(a, b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

package plan_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/plan"
)

func TestDiffListsByKey(t *testing.T) {
	svc := func(ports ...any) map[string]any {
		return map[string]any{"spec": map[string]any{"ports": ports}}
	}
	port := func(name string, n int64) map[string]any {
		return map[string]any{"name": name, "port": n, "protocol": "TCP"}
	}
	pod := func(env ...any) map[string]any {
		c := map[string]any{"name": "speaker", "env": env}
		return map[string]any{"spec": map[string]any{"containers": []any{c}}}
	}
	env := func(name, value string) map[string]any { return map[string]any{"name": name, "value": value} }

	tests := []struct {
		name          string
		before, after map[string]any
		want          []plan.Field
	}{{
		name:   "a port inserted at the front is one added port",
		before: svc(port("http", 3000)),
		after:  svc(port("ssh", 22), port("http", 3000)),
		want: []plan.Field{
			{Path: "spec.ports[port=22,protocol=TCP].name", After: "ssh"},
			{Path: "spec.ports[port=22,protocol=TCP].port", After: int64(22)},
			{Path: "spec.ports[port=22,protocol=TCP].protocol", After: "TCP"},
		},
	}, {
		name:   "a port without a protocol is the TCP one",
		before: svc(map[string]any{"port": int64(80)}),
		after:  svc(map[string]any{"port": int64(80), "protocol": "TCP"}),
		want:   []plan.Field{{Path: "spec.ports[port=80,protocol=TCP].protocol", After: "TCP"}},
	}, {
		name:   "the same port over UDP is another item",
		before: svc(map[string]any{"port": int64(53), "protocol": "TCP"}),
		after:  svc(map[string]any{"port": int64(53), "protocol": "UDP"}),
		want: []plan.Field{
			{Path: "spec.ports[port=53,protocol=UDP].port", After: int64(53)},
			{Path: "spec.ports[port=53,protocol=UDP].protocol", After: "UDP"},
			{Path: "spec.ports[port=53,protocol=TCP].port", Before: int64(53)},
			{Path: "spec.ports[port=53,protocol=TCP].protocol", Before: "TCP"},
		},
	}, {
		name:   "env in a container by name, a removed one last",
		before: pod(env("A", "1"), env("B", "2")),
		after:  pod(env("B", "3")),
		want: []plan.Field{
			{Path: "spec.containers[name=speaker].env[name=B].value", Before: "2", After: "3"},
			{Path: "spec.containers[name=speaker].env[name=A].name", Before: "A"},
			{Path: "spec.containers[name=speaker].env[name=A].value", Before: "1"},
		},
	}, {
		name:   "duplicate keys fall back to positions",
		before: pod(env("A", "1"), env("A", "2")),
		after:  pod(env("A", "1"), env("A", "3")),
		want:   []plan.Field{{Path: "spec.containers[name=speaker].env[1].value", Before: "2", After: "3"}},
	}, {
		name:   "a list of scalars by position",
		before: map[string]any{"spec": map[string]any{"addresses": []any{"a", "b"}}},
		after:  map[string]any{"spec": map[string]any{"addresses": []any{"c", "a", "b"}}},
		want: []plan.Field{
			{Path: "spec.addresses[0]", Before: "a", After: "c"},
			{Path: "spec.addresses[1]", Before: "b", After: "a"},
			{Path: "spec.addresses[2]", After: "b"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, plan.Diff(tt.before, tt.after)); d != "" {
				t.Errorf("Diff (-want +got):\n%s", d)
			}
		})
	}
}

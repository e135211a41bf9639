package policy_test

import (
	"context"
	"maps"
	"testing"
	"testing/fstest"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/policy"
)

// FuzzCheck checks the homelab with one file replaced by the fuzzer's bytes: whatever the loader
// accepts, the built-in policies check without an error or a panic.
func FuzzCheck(f *testing.F) {
	base := exampleWith(f)
	engine, err := policy.New(context.Background(), base)
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"sites/home.yaml", "vpns.yaml", "services.yaml", "cluster.yaml"} {
		f.Add(name, base[name].Data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if base[name] == nil {
			return
		}
		fsys := maps.Clone(base)
		fsys[name] = &fstest.MapFile{Data: data}
		p, err := load.Load(fsys)
		if err != nil {
			return
		}
		if _, err := engine.Check(context.Background(), p); err != nil {
			t.Fatalf("checking a plan that loads: %v", err)
		}
	})
}

package policy_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

// today is the date the tests check on, so that exceptions expire the same way every day.
var today = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func check(t *testing.T, p *network.Plan) *policy.Result {
	t.Helper()
	e, err := policy.New(context.Background(), nil, policy.WithNow(today))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Check(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func loadExample(t *testing.T) *network.Plan {
	t.Helper()
	p, err := load.Load(os.DirFS("../../examples/homelab"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExampleHasNoFindings(t *testing.T) {
	res := check(t, loadExample(t))
	for _, f := range res.Findings {
		t.Errorf("%s: %s %s %s: %s", f.Pos, f.Severity, f.Rule, f.Entity, f.Message)
	}
}

package policy_test

import (
	"testing"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
)

func TestCompare(t *testing.T) {
	overlap := policy.Finding{Rule: "cidr.overlap", Severity: policy.Deny, Entity: "network/vip", Related: "network/common"}
	other := overlap
	other.Related = "network/iot"
	excepted := policy.Finding{Rule: "naming.dns", Severity: policy.Deny, Entity: "address/home/router", Exception: &network.Exception{}}
	head := &policy.Result{Findings: []policy.Finding{overlap, other}, Excepted: []policy.Finding{excepted}}
	base := &policy.Result{Findings: []policy.Finding{overlap}, Excepted: []policy.Finding{excepted}}
	head.Compare(base)
	got := []policy.Status{head.Findings[0].Status, head.Findings[1].Status, head.Excepted[0].Status}
	want := []policy.Status{policy.StatusExisting, policy.StatusNew, policy.StatusExisting}
	if got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || !head.Compared {
		t.Errorf("statuses %v, want %v (an overlap with another network is new)", got, want)
	}
	if n := head.Count(policy.Deny, true); n != 1 {
		t.Errorf("%d new denies, want 1", n)
	}
	if n := head.Count(policy.Deny, false); n != 2 {
		t.Errorf("%d denies, want 2", n)
	}
}

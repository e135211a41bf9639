package plan_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netops/netops/pkg/plan"
)

// A new site over a narrower link lowers Weave's MTU on every node: the summary names it, with the
// link behind it, once, among the cluster-wide lines.
func TestSummaryWeaveMTU(t *testing.T) {
	before := homelabTargets(t, "", "", "")
	boat := "mtu: 1400\n---\napiVersion: netops.dev/v1alpha1\nkind: Site\nname: boat\ncluster: homelab\nlink:\n  type: vpn\n  vpn: shared\n  mtu: 1380\n"
	after := homelabTargets(t, "sites/cabin.yaml", "mtu: 1400\n", boat)
	var got []string
	for _, s := range plan.Offline(before, after).Summary {
		if s.Kind == "cluster" {
			got = append(got, s.Target+": "+s.Text)
		}
	}
	want := []string{"homelab: Weave MTU 1276 → 1256 (site boat's link at sites/cabin.yaml:21), weave-net restarts on every node"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cluster-wide summary (-want +got):\n%s", diff)
	}
}

// A change of weave-net's pod template other than the MTU restarts it too; one of its metadata does not.
func TestSummaryWeaveRestart(t *testing.T) {
	before := homelabTargets(t, "", "", "")
	after := homelabTargets(t, "cluster.yaml", "name: weave-passwd\n", "name: weave-password\n")
	var got []string
	for _, s := range plan.Offline(before, after).Summary {
		if s.Kind == "cluster" {
			got = append(got, s.Text)
		}
	}
	if diff := cmp.Diff([]string{"weave-net restarts on every node"}, got); diff != "" {
		t.Errorf("cluster-wide summary (-want +got):\n%s", diff)
	}
	same := homelabTargets(t, "cluster.yaml", "description: The one", "description: Our one")
	for _, s := range plan.Offline(before, same).Summary {
		if s.Kind == "cluster" {
			t.Errorf("a description changed, and the summary says %q", s.Text)
		}
	}
}

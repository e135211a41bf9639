package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netops/netops/internal/testcluster"
	"github.com/netops/netops/pkg/apply"
)

// The package's control plane: a real etcd and kube-apiserver, started by the first test that needs it.
var cluster struct {
	// Cluster's KubeConfig has the context "envtest", which reaches the control plane.
	*testcluster.Cluster
	once sync.Once
	dir  string
	err  error
}

// stopCluster stops the control plane, if a test started it; TestMain calls it after the tests.
func stopCluster() {
	if cluster.Cluster != nil {
		_ = cluster.Env.Stop()
	}
	if cluster.dir != "" {
		_ = os.RemoveAll(cluster.dir)
	}
}

// kubeconfig starts the control plane if it is not running yet, and returns its kubeconfig file.
func kubeconfig(t *testing.T) string {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set. This test runs against a real kube-apiserver and etcd: " +
			"run `make testenv`, then export KUBEBUILDER_ASSETS=\"$(hack/testenv/build.sh)\"")
	}
	cluster.once.Do(startCluster)
	if cluster.err != nil {
		t.Fatalf("starting the control plane: %v", cluster.err)
	}
	return cluster.KubeConfig
}

func startCluster() {
	if cluster.dir, cluster.err = os.MkdirTemp("", "netops-cli-"); cluster.err == nil {
		cluster.Cluster, cluster.err = testcluster.Start(cluster.dir)
	}
}

// applyArgs are the arguments of netops apply of the homelab's cluster target to the control plane.
func applyArgs(t *testing.T, repo string, more ...string) []string {
	return append([]string{"apply", "--repo", repo, "--site", "homelab", "--kubeconfig", kubeconfig(t), "--context", "envtest"}, more...)
}

// row is one line of apply's summary table.
type row struct {
	created, configured, unchanged, pruned int
	status                                 string
}

func summaryRow(t *testing.T, out, target string) row {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[0] != target {
			continue
		}
		var n [4]int
		for i := range n {
			v, err := strconv.Atoi(f[i+1])
			if err != nil {
				t.Fatalf("summary line %q: %v", line, err)
			}
			n[i] = v
		}
		return row{n[0], n[1], n[2], n[3], strings.Join(f[5:], " ")}
	}
	t.Fatalf("no summary line for %s in:\n%s", target, out)
	return row{}
}

func TestApplyDeploysASignedCommit(t *testing.T) {
	repo := exampleRepo(t)
	key := newKey(t)
	signedCommit(t, repo, key)
	args := applyArgs(t, repo, "--prune", "--keyring", keyring(t, key))

	first := run(t, args...)

	first.want(t, 0, "TARGET", "is signed by Tester")
	got := summaryRow(t, first.out, "homelab")
	if got.created == 0 || got.configured+got.unchanged+got.pruned != 0 || got.status != "ok" {
		t.Errorf("first apply: %+v\n%s", got, first.err)
	}
	again := run(t, args...)
	again.want(t, 0, "TARGET", "")
	if want := (row{unchanged: got.created, status: "ok"}); summaryRow(t, again.out, "homelab") != want {
		t.Errorf("second apply: %+v, want %+v\n%s", summaryRow(t, again.out, "homelab"), want, again.err)
	}
	asJSON := run(t, append(args, "-o", "json")...)
	asJSON.want(t, 0, `"signed": true`, "")
	if rev := decodeApplyReport(t, asJSON.out).Revision; rev.Ref != "HEAD" || len(rev.Hash) != 40 || !strings.HasPrefix(rev.Signer, "Tester") {
		t.Errorf("apply -o json of a signed commit: revision %+v", rev)
	}
}

func TestApplyFailsOnALockedTarget(t *testing.T) {
	repo := exampleRepo(t)
	args := applyArgs(t, repo, "--lock-timeout", "1s")
	holdLock(t, "homelab", "someone-else")

	r := run(t, args...)

	r.want(t, 1, "failed: locked", `locked by "someone-else"`)
	if got := summaryRow(t, r.out, "homelab"); got.created+got.configured+got.unchanged != 0 {
		t.Errorf("a locked target was applied: %+v", got)
	}

	r = run(t, append(args, "-o", "json")...)
	r.want(t, 1, `"format_version": "1"`, `locked by "someone-else"`)
	report := decodeApplyReport(t, r.out)
	if len(report.Targets) != 1 || report.Targets[0].Status != "failed: locked" || !strings.Contains(report.Targets[0].Error, "someone-else") {
		t.Errorf("apply -o json of a locked target: %+v", report.Targets)
	}
}

// TestApplyJSON checks apply -o json: each target's counts agree with its objects.
func TestApplyJSON(t *testing.T) {
	r := run(t, applyArgs(t, exampleRepo(t), "-o", "json")...)
	r.want(t, 0, `"format_version": "1"`, "")
	report := decodeApplyReport(t, r.out)
	if len(report.Targets) != 1 || report.Targets[0].Target != "homelab" || report.Targets[0].Status != "ok" {
		t.Fatalf("targets: %+v", report.Targets)
	}
	tr := report.Targets[0]
	if tr.Warnings == nil {
		t.Errorf("apply -o json lacks the target's warnings, even as an empty list:\n%s", r.out)
	}
	counts := map[string]int{}
	for _, o := range tr.Objects {
		counts[o.Action]++
	}
	want := map[string]int{"created": tr.Created, "configured": tr.Configured, "unchanged": tr.Unchanged}
	maps.DeleteFunc(want, func(_ string, n int) bool { return n == 0 })
	if len(tr.Objects) == 0 || !maps.Equal(counts, want) {
		t.Errorf("objects by action %v, counts %v", counts, want)
	}
}

// applyReport is the JSON that apply -o json writes, as a reader sees it.
type applyReport struct {
	Revision struct {
		Ref, Hash, Signer string
		Signed            bool
	}
	Targets []struct {
		Target, Status, Error                  string
		Created, Configured, Unchanged, Pruned int
		Objects                                []struct{ Object, Group, Action string }
		Warnings                               []struct{ File, Message string }
	}
}

func decodeApplyReport(t *testing.T, out string) applyReport {
	t.Helper()
	var report applyReport
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("apply -o json printed no JSON: %v\n%s", err, out)
	}
	return report
}

// TestApplySkipsSitesWhenTheClusterFails holds the cluster target's lock: its sites, which depend on
// what it installs, are not applied, and say why.
func TestApplySkipsSitesWhenTheClusterFails(t *testing.T) {
	repo := exampleRepo(t)
	holdLock(t, "homelab", "someone-else")

	r := run(t, "apply", "--repo", repo, "--all-sites", "--kubeconfig", kubeconfig(t), "--context", "envtest", "--lock-timeout", "1s")

	r.want(t, 1, "failed: locked", "home: not applied: the cluster's shared target homelab failed")
	for _, site := range []string{"home", "cabin"} {
		if got := summaryRow(t, r.out, site); got != (row{status: "failed"}) {
			t.Errorf("%s: %+v, want failed with nothing applied", site, got)
		}
	}
}

func TestApplyRefusesAnUnsignedCommit(t *testing.T) {
	repo := exampleRepo(t)
	missing := filepath.Join(t.TempDir(), "no-kubeconfig")

	r := run(t, "apply", "--repo", repo, "--all-sites", "--kubeconfig", missing, "--keyring", keyring(t, newKey(t)))

	r.want(t, 1, "", "not signed")
	if r.out != "" {
		t.Errorf("an unsigned commit reached the apply:\n%s", r.out)
	}
}

func TestApplyNeedsSiteOrAllSites(t *testing.T) {
	repo := exampleRepo(t)
	run(t, "apply", "--repo", repo).want(t, 1, "", "--site")
	run(t, "apply", "--repo", repo, "--site", "home", "--all-sites").want(t, 1, "", "not both")
	run(t, "apply", "--repo", repo, "--site", "home", "-o", "yaml").want(t, 1, "", `unknown output format "yaml"`)
}

// holdLock makes target's lock held by holder, freshly renewed, for the rest of the test.
func holdLock(t *testing.T, target, holder string) {
	t.Helper()
	kubeconfig(t) // starts the control plane, or fails the test saying how
	c := cluster.Client
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: apply.SystemNamespace}}
	if err := c.Create(context.Background(), ns); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	now, secs := metav1.NowMicro(), int32(3600)
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Namespace: apply.SystemNamespace, Name: "netops-lock-" + target},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: &holder, AcquireTime: &now, RenewTime: &now, LeaseDurationSeconds: &secs},
	}
	if err := c.Delete(context.Background(), lease.DeepCopy()); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	if err := c.Create(context.Background(), lease); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Delete(context.Background(), lease); err != nil {
			t.Errorf("freeing the lock: %v", err)
		}
	})
}

func newKey(t *testing.T) *openpgp.Entity {
	t.Helper()
	key, err := openpgp.NewEntity("Tester", "", "tester@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// keyring writes key's armored public key to a file, as gpg --armor --export does.
func keyring(t *testing.T, key *openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keyring.asc")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// signedCommit adds an empty commit to the repo in dir, signed by key.
func signedCommit(t *testing.T, dir string, key *openpgp.Entity) {
	t.Helper()
	r, err := gogit.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Tester", Email: "tester@example.com", When: time.Now()}
	_, err = wt.Commit("signed", &gogit.CommitOptions{Author: sig, Committer: sig, SignKey: key, AllowEmptyCommits: true})
	if err != nil {
		t.Fatal(err)
	}
}

// TestApplyPrunesARemovedSite removes the cabin from the plan: apply --site cabin, as the deploy
// pipeline runs it for every site a change touches, refuses to prune it without a mass prune, then
// deletes what it applied; a name that no inventory has is still an unknown site.
func TestApplyPrunesARemovedSite(t *testing.T) {
	repo := liveRepo(t)
	applyAll(t, repo)
	if !exists(t, "pihole", "cabin-dns") {
		t.Fatal("cabin-dns was not applied")
	}
	if err := os.Remove(filepath.Join(repo, "sites", "cabin.yaml")); err != nil {
		t.Fatal(err)
	}
	removeDoc(t, repo, "services.yaml", "name: cabin-dns\n")
	replaceInFile(t, repo, "vpns.yaml", "sites: [home, cabin]", "sites: [home]")
	replaceInFile(t, repo, "tenants.yaml", "pools: [lan-pool, online-pool, cabin-pool]", "pools: [lan-pool, online-pool]")
	args := []string{"apply", "--repo", repo, "--site", "cabin", "--kubeconfig", kubeconfig(t), "--context", "envtest", "--prune"}

	planned := livePlan(t, repo)
	planned.want(t, 2, "- Service/pihole/cabin-dns", "")
	planned.want(t, 2, "to destroy", "")
	planned.want(t, 2, "cabin: apply --prune deletes these", "")
	planned.want(t, 2, "objects only with --allow-mass-prune", "")
	run(t, args...).want(t, 1, "failed: prune refused", "target cabin is no longer in the plan")
	if !exists(t, "pihole", "cabin-dns") {
		t.Error("a refused prune deleted cabin-dns")
	}
	gone := run(t, append(args, "--allow-mass-prune")...)
	gone.want(t, 0, "cabin", "")
	if got := summaryRow(t, gone.out, "cabin"); got.pruned == 0 || got.status != "ok" {
		t.Errorf("the removed cabin: %+v", got)
	}
	if exists(t, "pihole", "cabin-dns") {
		t.Error("cabin-dns is still there after the cabin's prune")
	}
	run(t, "apply", "--repo", repo, "--site", "cabni", "--kubeconfig", kubeconfig(t), "--context", "envtest").want(t, 1, "", `no site or cluster named "cabni"`)
	applyAll(t, liveRepo(t)) // the cabin back, for the tests that follow
}

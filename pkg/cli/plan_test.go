package cli_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// noWebhook is an overlay of the cluster target that drops MetalLB's admission webhook: the test
// control plane runs no pods, so nothing would answer it and every pool would be refused.
const noWebhook = `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - patch: |-
      $patch: delete
      apiVersion: admissionregistration.k8s.io/v1
      kind: ValidatingWebhookConfiguration
      metadata:
        name: metallb-webhook-configuration
`

// liveRepo is the example, committed with the git CLI, with the overlay the test control plane needs.
func liveRepo(t *testing.T) string {
	t.Helper()
	dir := exampleRepo(t)
	writeFile(t, dir, "overlays/homelab/kustomization.yaml", noWebhook)
	commitAll(t, dir, "overlay for a control plane without pods")
	return dir
}

func livePlan(t *testing.T, repo string, more ...string) result {
	t.Helper()
	args := append([]string{"plan", "--repo", repo, "--kubeconfig", kubeconfig(t), "--context", "envtest", "--detailed-exitcode"}, more...)
	return run(t, args...)
}

func applyAll(t *testing.T, repo string) {
	t.Helper()
	for _, target := range []string{"homelab", "home", "cabin"} {
		r := run(t, "apply", "--repo", repo, "--site", target, "--kubeconfig", kubeconfig(t), "--context", "envtest", "--prune")
		r.want(t, 0, target, "")
	}
}

// TestPlanLive plans against a real API server: no changes after an apply, exactly the changed
// objects after a commit, and a deletion for what a prune would remove.
func TestPlanLive(t *testing.T) {
	repo := liveRepo(t)
	applyAll(t, repo)
	livePlan(t, repo).want(t, 0, "No changes. The cluster matches the plan.", "")

	replaceInFile(t, repo, "services.yaml", "ip: 192.168.6.60", "ip: 192.168.6.61")
	commitAll(t, repo, "move plex")
	moved := livePlan(t, repo)
	moved.want(t, 2, "home: service media/plex moves from 192.168.6.60 to 192.168.6.61  (services.yaml:19)", "")
	moved.want(t, 2, `~ metadata.annotations["metallb.io/loadBalancerIPs"]: "192.168.6.60" -> "192.168.6.61"`, "")
	moved.want(t, 2, "Plan: 0 to add, 2 to change, 0 to destroy.", "")

	applyAll(t, repo)
	livePlan(t, repo).want(t, 0, "No changes.", "")

	removeDoc(t, repo, "services.yaml", "name: consul-ui\n")
	commitAll(t, repo, "drop consul-ui")
	gone := livePlan(t, repo, "--site", "home")
	gone.want(t, 2, "- Service/consul/consul-ui", "")
	gone.want(t, 2, "service consul/consul-ui releases IP 192.168.6.91", "")
	gone.want(t, 2, "to destroy", "")
	if strings.Contains(gone.out, "cabin") {
		t.Errorf("a plan of site home shows the cabin:\n%s", gone.out)
	}
	applyAll(t, repo)
	livePlan(t, repo).want(t, 0, "No changes.", "")
	if exists(t, "consul", "consul-ui") || !exists(t, "pihole", "cabin-dns") || !exists(t, "consul", "consul-dns") {
		t.Errorf("after the prune: consul-ui exists=%v, cabin-dns exists=%v, consul-dns exists=%v; want false, true, true",
			exists(t, "consul", "consul-ui"), exists(t, "pihole", "cabin-dns"), exists(t, "consul", "consul-dns"))
	}
}

func exists(t *testing.T, ns, name string) bool {
	t.Helper()
	err := cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &corev1.Service{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

// TestPlanLiveMasksSecrets puts a value into a Secret that netops renders, changes that Secret in the
// plan, and looks for the value in every output format.
func TestPlanLiveMasksSecrets(t *testing.T) {
	repo := liveRepo(t)
	applyAll(t, repo)
	const value = "s3cr3t-webhook-key"
	setSecretValue(t, "metallb-system", "metallb-webhook-cert", "tls.key", value)
	appendFile(t, repo, "overlays/homelab/kustomization.yaml", `  - target: {kind: Secret, name: metallb-webhook-cert}
    patch: |-
      - op: add
        path: /metadata/labels/rotated
        value: "yes"
`)
	commitAll(t, repo, "label the webhook cert")
	for _, format := range []string{"text", "json", "markdown"} {
		r := livePlan(t, repo, "--site", "homelab", "-o", format)
		r.want(t, 2, "metallb-webhook-cert", "")
		for _, secret := range []string{value, base64.StdEncoding.EncodeToString([]byte(value))} {
			if strings.Contains(r.out+r.err, secret) {
				t.Errorf("%s plan shows the Secret value %q", format, secret)
			}
		}
	}
}

func setSecretValue(t *testing.T, ns, name, key, value string) {
	t.Helper()
	s := &corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string][]byte{key: []byte(value)}}
	err := cluster.Client.Patch(context.Background(), s, client.Apply, client.FieldOwner("metallb-controller"), client.ForceOwnership)
	if err != nil {
		t.Fatal(err)
	}
}

func replaceInFile(t *testing.T, dir, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || strings.Count(string(b), old) != 1 {
		t.Fatalf("%s: want one %q (err %v)", name, old, err)
	}
	writeFile(t, dir, name, strings.Replace(string(b), old, new, 1))
}

// removeDoc removes the YAML document of a multi-document file that holds marker.
func removeDoc(t *testing.T, dir, name, marker string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(b), "\n---\n")
	var kept []string
	for _, d := range docs {
		if !strings.Contains(d, marker) {
			kept = append(kept, d)
		}
	}
	if len(kept) != len(docs)-1 {
		t.Fatalf("%s: %d documents hold %q, want 1", name, len(docs)-len(kept), marker)
	}
	writeFile(t, dir, name, strings.Join(kept, "\n---\n"))
}

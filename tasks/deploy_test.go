package tasks_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netops/netops/internal/testcluster"
	"github.com/netops/netops/tasks/internal/manifests"
	"github.com/netops/netops/tasks/internal/runner"
)

// deployer is the identity the deploy's kubeconfig carries: the ServiceAccount of rbac.yaml.
const deployer = "system:serviceaccount:netops:netops-deployer"

// testCluster starts a real kube-apiserver and etcd, installs rbac.yaml into its namespace
// netops, and returns a client with all rights and a kubeconfig folder whose file
// "kubeconfig" reaches the API server as the netops-deployer ServiceAccount, in the context
// "homelab" that the plan gives its cluster.
func testCluster(t *testing.T) (client.Client, string) {
	t.Helper()
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set. The deploy test applies to a real kube-apiserver and etcd: " +
			"run `make testenv`, then export KUBEBUILDER_ASSETS=\"$(hack/testenv/build.sh)\"")
	}
	env := testcluster.New("", "")
	if _, err := env.Start(); err != nil {
		t.Fatalf("starting the control plane: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	admin, err := env.AddUser(envtest.User{Name: "netops-test-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(admin.Config(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	install(t, c)
	raw, err := admin.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	return c, deployerKubeconfig(t, raw)
}

// install creates what rbac.yaml and netops-system.yaml declare, as the README's
// kubectl apply -n netops -f rbac.yaml and kubectl apply -f netops-system.yaml would.
func install(t *testing.T, c client.Client) {
	t.Helper()
	ns := &corev1.Namespace{}
	ns.Name = "netops"
	if err := c.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	var objs []manifests.Object
	for _, file := range []string{"triggers/netops/0.1/rbac.yaml", "triggers/netops/0.1/netops-system.yaml"} {
		more, err := manifests.LoadFile(os.DirFS("."), file)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, more...)
	}
	for _, o := range objs {
		obj := o.Value.(client.Object)
		if namespaced(o.GVK.Kind) && obj.GetNamespace() == "" {
			obj.SetNamespace("netops")
		}
		if err := c.Create(context.Background(), obj); err != nil {
			t.Fatalf("creating %s: %v", o, err)
		}
	}
}

func namespaced(kind string) bool {
	return kind == "ServiceAccount" || kind == "Role" || kind == "RoleBinding"
}

// deployerKubeconfig writes the admin's kubeconfig, impersonating the deployer, into a folder.
func deployerKubeconfig(t *testing.T, raw []byte) string {
	t.Helper()
	cfg, err := clientcmd.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	current := cfg.Contexts[cfg.CurrentContext]
	cfg.Contexts = map[string]*clientcmdapi.Context{"homelab": current}
	cfg.CurrentContext = "homelab"
	cfg.AuthInfos[current.AuthInfo].Impersonate = deployer
	dir := t.TempDir()
	if err := clientcmd.WriteToFile(*cfg, filepath.Join(dir, "kubeconfig")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// withoutMetalLBWebhook turns MetalLB's validating webhook off through the plan's component
// values: the test API server runs no MetalLB controller to answer it.
func withoutMetalLBWebhook(text string) string {
	return strings.Replace(text, "  metallb:\n    version: v0.16.1\n",
		"  metallb:\n    version: v0.16.1\n    values:\n      controller:\n        webhookMode: disabled\n", 1)
}

// withoutQBittorrent removes the qBittorrent Service from services.yaml.
func withoutQBittorrent(text string) string {
	docs := strings.Split(text, "\n---\n")
	var keep []string
	for _, d := range docs {
		if !strings.Contains(d, "\nname: qbittorrent\n") {
			keep = append(keep, d)
		}
	}
	return strings.Join(keep, "\n---\n")
}

// applied is what the TaskRuns of an apply pipeline task did, by target.
func applied(t *testing.T, runs []*runner.TaskRun) map[string][3]int {
	t.Helper()
	out := map[string][3]int{}
	for _, tr := range runs {
		mustSucceed(t, tr)
		var n [3]int
		for i, name := range []string{"applied", "unchanged", "pruned"} {
			v, err := strconv.Atoi(result(t, tr, name).StringVal)
			if err != nil {
				t.Fatalf("TaskRun %s: result %s: %v", tr.Name, name, err)
			}
			n[i] = v
		}
		out[paramValues(tr.Params)["site"]] = n
	}
	return out
}

func annotation(t *testing.T, c client.Client, gvk schema.GroupVersionKind, ns, name, key string) (string, bool) {
	t.Helper()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, u); err != nil {
		return err.Error(), false
	}
	return u.GetAnnotations()[key], true
}

var serviceGVK = schema.GroupVersionKind{Version: "v1", Kind: "Service"}

func TestDeployPipelineAppliesEachSiteAsTheDeployer(t *testing.T) {
	c, kubeconfig := testCluster(t)
	repo := homelabRepo(t)
	first := repo.commit("netops.yaml", "Turn MetalLB's webhook off", withoutMetalLBWebhook)
	r := newRunner(t)
	deploy := func(t *testing.T, revision, base string) (*runner.PipelineRun, string) {
		r.Log = testLog{t}
		pr := testRun(t, "pipelines/netops-deploy/0.1/tests/run.yaml", map[string]string{"repo-url": repo.url(), "revision": revision, "base-revision": base})
		got, ws := runPipeline(t, r, pr, runner.Workspaces{"kubeconfig": kubeconfig})
		if !got.Succeeded {
			for name, runs := range got.TaskRuns {
				for _, tr := range runs {
					if !tr.Succeeded {
						t.Logf("%s: %s\n%s", name, tr.Reason, tr.Output())
					}
				}
			}
			t.Fatalf("the deploy failed: %s", got.Reason)
		}
		summary := readFile(t, filepath.Join(ws["source"], ".netops", "reports", "summary.md"))
		return got, summary
	}

	t.Run("without a base, every site is applied", func(t *testing.T) {
		got, summary := deploy(t, first, "")
		shared := applied(t, got.TaskRuns["apply-shared"])
		sites := applied(t, got.TaskRuns["apply-sites"])
		if len(shared) != 1 || shared["homelab"][0] == 0 {
			t.Errorf("apply-shared did %v, want the cluster target homelab applied", shared)
		}
		if len(sites) != 2 || sites["home"][0] == 0 || sites["cabin"][0] == 0 || sites["home"][2]+sites["cabin"][2] != 0 {
			t.Errorf("apply-sites did %v, want home and cabin applied and nothing pruned", sites)
		}
		total := shared["homelab"][0] + sites["home"][0] + sites["cabin"][0]
		want := "Succeeded: 3 targets (3 ok, 0 failed); " + strconv.Itoa(total) + " applied, 0 unchanged, 0 pruned"
		if v, _ := got.Result("summary"); v.StringVal != want {
			t.Errorf("pipeline result summary = %q, want %q", v.StringVal, want)
		}
		if v, _ := got.Result("sites"); !cmp.Equal(v.ArrayVal, []string{"cabin", "home"}) {
			t.Errorf("pipeline result sites = %v, want [cabin home]", v.ArrayVal)
		}
		for _, line := range []string{"| homelab |", "| home |", "| cabin |"} {
			if !strings.Contains(summary, line) {
				t.Errorf("summary.md has no row for %s:\n%s", line, summary)
			}
		}
		if ip, _ := annotation(t, c, serviceGVK, "media", "plex", "metallb.io/loadBalancerIPs"); ip != "192.168.6.60" {
			t.Errorf("Service media/plex has loadBalancerIPs %q, want 192.168.6.60", ip)
		}
		pools := &unstructured.UnstructuredList{}
		pools.SetGroupVersionKind(schema.GroupVersionKind{Group: "metallb.io", Version: "v1beta1", Kind: "IPAddressPoolList"})
		if err := c.List(context.Background(), pools, client.InNamespace("metallb-system")); err != nil || len(pools.Items) != 3 {
			t.Errorf("the cluster holds %d IPAddressPools (%v), want the 3 of home and cabin", len(pools.Items), err)
		}
	})

	t.Run("a second apply of a target changes nothing", func(t *testing.T) {
		r.Log = testLog{t}
		pr := testRun(t, "netops-apply/0.1/tests/run.yaml", map[string]string{"repo-url": repo.url(), "revision": first, "site": "home"})
		got, _ := runPipeline(t, r, pr, runner.Workspaces{"kubeconfig": kubeconfig})
		home := applied(t, got.TaskRuns["apply"])["home"]
		if home[0] != 0 || home[1] == 0 || home[2] != 0 {
			t.Errorf("apply of home did %v, want everything unchanged", home)
		}
	})

	moved := repo.change("move-plex", "services.yaml", "Move plex to 192.168.6.61", movedPlex)
	t.Run("a PR check with a kubeconfig plans live", func(t *testing.T) {
		r.Log = testLog{t}
		pr := testRun(t, "pipelines/netops-pr-check/0.1/tests/run.yaml", map[string]string{"repo-url": repo.url(), "revision": moved, "base-revision": first})
		pr.Spec.Workspaces = append(pr.Spec.Workspaces, v1.WorkspaceBinding{Name: "kubeconfig", Secret: &corev1.SecretVolumeSource{SecretName: "netops-kubeconfig"}})
		got, ws := runPipeline(t, r, pr, runner.Workspaces{"kubeconfig": kubeconfig})
		plan := taskRunOf(t, got, "plan")
		mustSucceed(t, plan)
		if v := result(t, plan, "changed").StringVal; v != "true" {
			t.Errorf("result changed = %q, want true", v)
		}
		if v := result(t, plan, "summary").StringVal; v != "Plan: 0 to add, 2 to change, 0 to destroy." {
			t.Errorf("result summary = %q, want plex's Service and the DNS records changed", v)
		}
		reports := filepath.Join(ws["source"], ".netops", "reports")
		if js := readFile(t, filepath.Join(reports, "plan.json")); !strings.Contains(js, `"mode": "live"`) {
			t.Errorf("plan.json is not a live plan:\n%s", js)
		}
		if md := readFile(t, filepath.Join(reports, "plan.md")); !strings.Contains(md, "+ 192.168.6.61 plex.home.lan") {
			t.Errorf("plan.md does not show plex's DNS record changing:\n%s", md)
		}
	})

	repo.git("merge", "-q", "--ff-only", "move-plex")
	t.Run("a change to one site applies that site only", func(t *testing.T) {
		got, _ := deploy(t, moved, first)
		shared := applied(t, got.TaskRuns["apply-shared"])
		sites := applied(t, got.TaskRuns["apply-sites"])
		// The cluster target holds the DNS records, so plex's record changes there.
		if shared["homelab"][0] != 1 || shared["homelab"][1] == 0 {
			t.Errorf("apply-shared did %v, want one object changed in the cluster target: the DNS records", shared)
		}
		dns := &corev1.ConfigMap{}
		if err := c.Get(context.Background(), client.ObjectKey{Namespace: "pihole", Name: "pihole-custom-list"}, dns); err != nil {
			t.Error(err)
		} else if !strings.Contains(strings.Join(mapValues(dns.Data), "\n"), "192.168.6.61 plex.home.lan") {
			t.Errorf("the DNS records do not point plex.home.lan to 192.168.6.61: %v", dns.Data)
		}
		if len(sites) != 1 || sites["home"][0] == 0 || sites["home"][1] == 0 {
			t.Errorf("apply-sites did %v, want home alone, with changes and unchanged objects", sites)
		}
		if ip, _ := annotation(t, c, serviceGVK, "media", "plex", "metallb.io/loadBalancerIPs"); ip != "192.168.6.61" {
			t.Errorf("Service media/plex has loadBalancerIPs %q, want 192.168.6.61", ip)
		}
	})

	removed := repo.commit("services.yaml", "Remove qBittorrent", withoutQBittorrent)
	t.Run("a removed service is pruned", func(t *testing.T) {
		got, _ := deploy(t, removed, moved)
		sites := applied(t, got.TaskRuns["apply-sites"])
		if len(sites) != 1 || sites["home"][2] == 0 {
			t.Errorf("apply-sites did %v, want home with objects pruned", sites)
		}
		if msg, found := annotation(t, c, serviceGVK, "downloads", "qbittorrent", "x"); found {
			t.Errorf("Service downloads/qbittorrent is still there after the prune")
		} else if !strings.Contains(msg, "not found") {
			t.Errorf("reading Service downloads/qbittorrent: %s", msg)
		}
		if _, found := annotation(t, c, serviceGVK, "media", "plex", "x"); !found {
			t.Errorf("Service media/plex is gone; the prune took more than it should")
		}
	})
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

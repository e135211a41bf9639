package tasks_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// applyVerbs are what netops apply does to an object: server-side apply (patch, which creates
// too), reads and waits, and prune.
var applyVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

// rendered are the objects netops renders for a network repo.
type renderedObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

func renderObjects(t *testing.T, repo string) []renderedObject {
	t.Helper()
	out, err := exec.Command(filepath.Join(netopsDir(t), "netops"), "render", "--repo", repo, "-o", "json").Output()
	if err != nil {
		t.Fatalf("netops render --repo %s: %v", repo, err)
	}
	var doc struct {
		Targets []struct {
			Objects []renderedObject `json:"objects"`
		} `json:"targets"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var objs []renderedObject
	for _, target := range doc.Targets {
		objs = append(objs, target.Objects...)
	}
	return objs
}

// permission is one verb on one resource, for one name or for all ("").
type permission struct{ group, resource, verb, name string }

func permissions(rules []rbacv1.PolicyRule) []permission {
	var out []permission
	for _, r := range rules {
		names := r.ResourceNames
		if len(names) == 0 {
			names = []string{""}
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					for _, n := range names {
						out = append(out, permission{g, res, v, n})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.group+"/"+a.resource+"/"+a.verb+"/"+a.name < b.group+"/"+b.resource+"/"+b.verb+"/"+b.name
	})
	return out
}

// deployerNeeds are the permissions applying objs takes: every verb of apply on each kind,
// and escalate and bind on each role it renders, by name.
func deployerNeeds(objs []renderedObject) []rbacv1.PolicyRule {
	var rules []rbacv1.PolicyRule
	for _, o := range objs {
		gv, _ := schema.ParseGroupVersion(o.APIVersion)
		plural, _ := meta.UnsafeGuessKindToResource(gv.WithKind(o.Kind))
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{gv.Group}, Resources: []string{plural.Resource}, Verbs: applyVerbs})
		if gv.Group == rbacv1.GroupName && (o.Kind == "ClusterRole" || o.Kind == "Role") {
			rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{gv.Group}, Resources: []string{plural.Resource}, Verbs: []string{"escalate", "bind"}, ResourceNames: []string{o.Metadata.Name}})
		}
	}
	return rules
}

func dedupe(ps []permission) []permission {
	out := ps[:0:0]
	for i, p := range ps {
		if i == 0 || p != ps[i-1] {
			out = append(out, p)
		}
	}
	return out
}

func TestDeployerMayTouchExactlyWhatNetopsRenders(t *testing.T) {
	objs := objects(t)
	role := find[*rbacv1.ClusterRole](t, objs, "netops-deployer")
	want := dedupe(permissions(deployerNeeds(renderObjects(t, "../examples/homelab"))))
	if diff := cmp.Diff(want, dedupe(permissions(role.Rules)), cmp.AllowUnexported(permission{})); diff != "" {
		t.Errorf("ClusterRole netops-deployer, per permission (-what the homelab's render needs +what it grants):\n%s", diff)
	}
	locks := find[*rbacv1.Role](t, objs, "netops-deployer")
	wantLocks := permissions([]rbacv1.PolicyRule{{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: applyVerbs}})
	if diff := cmp.Diff(wantLocks, permissions(locks.Rules), cmp.AllowUnexported(permission{})); diff != "" || locks.Namespace != "netops-system" {
		t.Errorf("Role netops-system/netops-deployer (namespace %q), per permission (-want +got):\n%s", locks.Namespace, diff)
	}
	for _, r := range role.Rules {
		for _, list := range [][]string{r.APIGroups, r.Resources, r.Verbs} {
			for _, v := range list {
				if v == "*" {
					t.Errorf("ClusterRole netops-deployer has a wildcard rule: %+v", r)
				}
			}
		}
	}
}

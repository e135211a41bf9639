package reachtest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/render"
)

// tables are the truth tables, with the fewest cases each must have.
var tables = []struct {
	file string
	min  int
}{
	{"testdata/homelab.yaml", 60},
	{"testdata/shops.yaml", 30},
}

// TestCyclonus holds netops's rendered NetworkPolicies to each truth table, under cyclonus's matcher.
func TestCyclonus(t *testing.T) {
	for _, tt := range tables {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			tb, plan, flows := loadTable(t, tt.file)
			objs := renderedObjects(t, tb, plan)
			policy := matcher.BuildNetworkPolicies(false, networkPolicies(t, objs))
			for _, f := range flows {
				f = Delivered(f, objs, plan.Clusters[0])
				res := policy.IsTrafficAllowed(traffic(f))
				if got := verdict(res.IsAllowed()); got != f.Case.Want {
					t.Errorf("%s: %s -> %s %s: got %s, want %s (%s; %s)\n  ingress: %s\n  egress: %s",
						f.Case.Where(tb), f.Case.From, f.Case.To, f.Case.Port, got, f.Case.Want, f.Case.Why, f.Case.Cite,
						decided(res.Ingress), decided(res.Egress))
				}
			}
		})
	}
}

func loadTable(t *testing.T, file string) (*Table, *network.Plan, []Flow) {
	t.Helper()
	tb, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := load.Load(os.DirFS(tb.PlanDir()))
	if err != nil {
		t.Fatalf("load %s: %v", tb.PlanDir(), err)
	}
	flows, err := tb.Flows(plan)
	if err != nil {
		t.Fatal(err)
	}
	return tb, plan, flows
}

func renderedObjects(t *testing.T, tb *Table, plan *network.Plan) []*unstructured.Unstructured {
	t.Helper()
	res, err := render.Render(context.Background(), plan, render.WithRepo(os.DirFS(tb.PlanDir())), render.WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatalf("render %s: %v", tb.PlanDir(), err)
	}
	var out []*unstructured.Unstructured
	for _, tg := range res.Targets {
		out = append(out, tg.Objects...)
	}
	return out
}

func networkPolicies(t *testing.T, objs []*unstructured.Unstructured) []*networkingv1.NetworkPolicy {
	t.Helper()
	var out []*networkingv1.NetworkPolicy
	for _, o := range objs {
		if o.GetKind() != "NetworkPolicy" {
			continue
		}
		var np networkingv1.NetworkPolicy
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &np); err != nil {
			t.Fatalf("NetworkPolicy %s/%s: %v", o.GetNamespace(), o.GetName(), err)
		}
		out = append(out, &np)
	}
	if len(out) == 0 {
		t.Fatal("the render has no NetworkPolicy")
	}
	return out
}

func traffic(f Flow) *matcher.Traffic {
	return &matcher.Traffic{
		Source: peer(f.From), Destination: peer(f.To),
		ResolvedPort: f.Port, ResolvedPortName: f.PortName, Protocol: corev1.Protocol(f.Protocol),
	}
}

func peer(e Endpoint) *matcher.TrafficPeer {
	p := &matcher.TrafficPeer{IP: e.IP.String()}
	if e.Namespace != "" {
		p.Internal = &matcher.InternalPeer{
			Namespace: e.Namespace, PodLabels: e.Labels,
			NamespaceLabels: map[string]string{corev1.LabelMetadataName: e.Namespace},
		}
	}
	return p
}

func verdict(allowed bool) string {
	if allowed {
		return "allow"
	}
	return "deny"
}

// decided names the policies that decided one direction of a traffic.
func decided(r *matcher.DirectionResult) string {
	switch {
	case len(r.AllowingTargets) > 0:
		return "allowed by " + policyNames(r.AllowingTargets)
	case len(r.DenyingTargets) > 0:
		return "denied: " + policyNames(r.DenyingTargets) + " select the pod, and none allows it"
	}
	return "allowed: no policy selects the pod, or it is outside the cluster"
}

func policyNames(targets []*matcher.Target) string {
	var names []string
	for _, tg := range targets {
		for _, np := range tg.SourceRules {
			names = append(names, np.Namespace+"/"+np.Name)
		}
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ", ")
}

// TestCoverage checks that each table has its cases, and covers every tenant, service, site and VPN
// of its plan, and both ingress and egress.
func TestCoverage(t *testing.T) {
	for _, tt := range tables {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			_, plan, flows := loadTable(t, tt.file)
			if len(flows) < tt.min {
				t.Errorf("%d cases; want at least %d", len(flows), tt.min)
			}
			seen := covered(plan, flows)
			for _, want := range wanted(plan) {
				if !seen[want] {
					t.Errorf("no case covers %s", want)
				}
			}
		})
	}
}

func wanted(p *network.Plan) []string {
	out := []string{"direction/ingress", "direction/egress"}
	for _, tn := range p.Tenants {
		out = append(out, "tenant/"+tn.Name)
	}
	for _, s := range p.Services {
		out = append(out, "service/"+s.Namespace+"/"+s.Name)
	}
	for _, s := range p.Sites {
		out = append(out, "site/"+s.Name)
	}
	for _, v := range p.VPNs {
		out = append(out, "vpn/"+v.Name)
	}
	return out
}

func covered(p *network.Plan, flows []Flow) map[string]bool {
	seen := map[string]bool{}
	tenants := map[string]string{}
	for _, tn := range p.Tenants {
		for _, ns := range tn.Namespaces {
			tenants[ns] = tn.Name
		}
	}
	for _, f := range flows {
		for _, e := range []Endpoint{f.From, f.To} {
			markEndpoint(seen, e, tenants[e.Namespace])
		}
		if f.To.Namespace != "" {
			seen["direction/ingress"] = true
		}
		if f.From.Namespace != "" && f.To.Namespace == "" {
			seen["direction/egress"] = true
		}
	}
	return seen
}

func markEndpoint(seen map[string]bool, e Endpoint, tenant string) {
	if tenant != "" {
		seen["tenant/"+tenant] = true
	}
	if s := e.Service; s != nil {
		seen["service/"+s.Namespace+"/"+s.Name] = true
		seen["site/"+s.PoolNet.Site.Name] = true
	}
	if n := e.Network; n != nil {
		seen["tenant/"+n.Tenant] = true
		if n.Site != nil {
			seen["site/"+n.Site.Name] = true
		}
		if n.Role == network.RoleVPN {
			seen["vpn/"+strings.TrimPrefix(n.Name, "vpn-")] = true
		}
	}
}

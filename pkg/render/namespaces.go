package render

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
)

// LabelTenant names the tenant that a rendered Namespace belongs to.
const LabelTenant = "netops.dev/tenant"

// systemNamespaces exist in every cluster; netops never renders them.
var systemNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

// namespaces renders metallb-system, every tenant's namespaces, and every other namespace that a
// service of the cluster lives in.
func (r *renderer) namespaces(_ context.Context, t *Target, c *network.Cluster) error {
	seen := map[string]bool{}
	add := func(name, tenant string, pos network.Pos, labels map[string]string) {
		if seen[name] || systemNamespaces[name] {
			return
		}
		seen[name] = true
		t.add(pos, namespace(name, tenant, labels))
	}
	add(metallbNamespace, "", r.componentPos(r.plan.Components.MetalLB), privileged)
	for _, tn := range r.plan.Tenants {
		for _, ns := range tn.Namespaces {
			add(ns, tn.Name, tn.Pos, nil)
		}
	}
	for _, s := range r.idx.clusterServices(c.Name) {
		add(s.Namespace, s.Tenant, s.Pos, nil)
	}
	return nil
}

// privileged lets MetalLB's speaker run with host networking under Pod Security admission.
var privileged = map[string]string{
	"pod-security.kubernetes.io/enforce": "privileged",
	"pod-security.kubernetes.io/audit":   "privileged",
	"pod-security.kubernetes.io/warn":    "privileged",
}

func namespace(name, tenant string, labels map[string]string) *unstructured.Unstructured {
	l := map[string]string{}
	for k, v := range labels {
		l[k] = v
	}
	if tenant != "" {
		l[LabelTenant] = tenant
	}
	return toObject(&corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
	})
}

// componentPos is where the plan sets a component, or its components: block, or the plan itself.
func (r *renderer) componentPos(comp network.Component) network.Pos {
	for _, p := range []network.Pos{comp.Pos, r.plan.Components.Pos, r.plan.Pos} {
		if p.File != "" {
			return p
		}
	}
	return network.Pos{}
}

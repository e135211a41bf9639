package reachtest

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
)

// Delivered is the flow as its destination pod sees it, given the rendered objects. A host outside
// the cluster that reaches a pod through its LoadBalancer Service keeps its address only when the
// Service has externalTrafficPolicy Local; with Cluster, kube-proxy masquerades it, and on Weave Net
// the pod sees the weave bridge of the node that took the packet, an address of the allocation range
// (weaveworks/weave docs/k8s-src-ip.md). This models one node's bridge, the range's first address.
func Delivered(f Flow, objs []*unstructured.Unstructured, c *network.Cluster) Flow {
	if f.To.Service == nil || f.From.Namespace != "" {
		return f
	}
	if trafficPolicy(objs, f.To.Service) == "Local" {
		return f
	}
	f.From.IP = c.Weave.IPAllocRange.Masked().Addr().Next()
	f.From.Network = nil
	return f
}

// trafficPolicy is the externalTrafficPolicy of the Service's rendered object; "" for none.
func trafficPolicy(objs []*unstructured.Unstructured, s *network.Service) string {
	for _, o := range objs {
		if o.GetKind() == "Service" && o.GetNamespace() == s.Namespace && o.GetName() == s.Name {
			tp, _, _ := unstructured.NestedString(o.Object, "spec", "externalTrafficPolicy")
			return tp
		}
	}
	return ""
}

package render

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/netops/netops/pkg/network"
)

// The MetalLB annotations of a LoadBalancer Service. netops never sets spec.loadBalancerIP, which
// Kubernetes deprecated for this annotation.
const (
	AnnotationLoadBalancerIPs = "metallb.io/loadBalancerIPs"
	AnnotationAddressPool     = "metallb.io/address-pool"
	AnnotationAllowSharedIP   = "metallb.io/allow-shared-ip"
)

// service renders a service with a fixed IP: the LoadBalancer Service, the policy that lets its
// clients in, and an IngressRoute when it is published through a Traefik instance.
func (r *renderer) service(t *Target, s *network.Service) {
	t.add(s.Pos, loadBalancer(s))
	r.loadBalancerPolicy(t, s, selectorOf(s), targetPorts(s))
	if s.IngressClass == "" {
		return
	}
	instance := r.ingressClasses(s.PoolNet.Site.Cluster)[s.IngressClass]
	port, err := s.RoutePort()
	switch {
	case instance == nil:
		t.warn(s.Pos, "service %s/%s names ingress class %s, which no Traefik instance of the cluster serves", s.Namespace, s.Name, s.IngressClass)
	case s.DNS == "":
		t.warn(s.Pos, "service %s/%s names ingress class %s but has no dns: name to route", s.Namespace, s.Name, s.IngressClass)
	case err != nil:
		t.warn(s.Pos, "%v; set ingressPort: to route it", err)
	default:
		t.add(s.Pos, ingressRoute(s, instance, port))
	}
}

func loadBalancer(s *network.Service) *unstructured.Unstructured {
	svc := &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{
			Name: s.Name, Namespace: s.Namespace,
			Annotations: loadBalancerAnnotations(s),
		},
		Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeLoadBalancer, Selector: selectorOf(s),
			ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicy(trafficPolicy(s)),
		},
	}
	for _, p := range s.Ports {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{
			Name: p.Name, Port: int32(p.Port), Protocol: corev1.Protocol(p.Protocol), TargetPort: intstr.FromInt32(int32(p.TargetPort)),
		})
	}
	return toObject(svc)
}

// loadBalancerAnnotations ask MetalLB for the plan's IP from the plan's pool, shared with the services
// of the same sharing key.
func loadBalancerAnnotations(s *network.Service) map[string]string {
	a := map[string]string{AnnotationLoadBalancerIPs: s.IP.String(), AnnotationAddressPool: s.Pool}
	if s.SharingKey != "" {
		a[AnnotationAllowSharedIP] = s.SharingKey
	}
	return a
}

// selectorOf is the service's pod selector: the plan's, or app.kubernetes.io/name: <service name>.
func selectorOf(s *network.Service) map[string]string {
	if len(s.Selector) > 0 {
		return maps.Clone(s.Selector)
	}
	return map[string]string{"app.kubernetes.io/name": s.Name}
}

func targetPorts(s *network.Service) []policyPort {
	out := make([]policyPort, len(s.Ports))
	for i, p := range s.Ports {
		out[i] = policyPort{number: p.TargetPort, protocol: p.Protocol}
	}
	return out
}

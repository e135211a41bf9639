package render

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
)

// The entrypoints that netops's chart and the upstream chart both define, each with its own container port.
var traefikPortNames = []string{"web", "websecure"}

// traefik renders one Traefik instance for each service of the cluster with ingress: true, each with
// its own ingress class and LoadBalancer IP, and Traefik's CRDs once.
func (r *renderer) traefik(_ context.Context, t *Target, c *network.Cluster) error {
	instances := r.idx.ingresses[c.Name]
	if len(instances) == 0 {
		return nil
	}
	comp := r.plan.Components.Traefik
	if err := r.checkTraefik(t, comp); err != nil {
		return err
	}
	crds, err := r.crds("traefik", comp)
	if err != nil {
		return err
	}
	t.add(r.componentPos(comp), crds...)
	for _, s := range instances {
		if err := r.traefikInstance(t, comp, s); err != nil {
			return err
		}
	}
	return nil
}

// checkTraefik checks the component's images and version: 3.x renders, 2.x renders with a warning.
func (r *renderer) checkTraefik(t *Target, comp network.Component) error {
	pos := r.componentPos(comp)
	if err := componentImages(comp.Images, "traefik"); err != nil {
		return &ComponentError{Component: "traefik", Pos: pos, Err: err}
	}
	if comp.Version == "" {
		return nil
	}
	v, err := parseVersion(comp.Version)
	switch {
	case err != nil:
		return &ComponentError{Component: "traefik", Pos: pos, Err: err}
	case v.Major() == 2 && v.Minor() < 10:
		return &ComponentError{Component: "traefik", Pos: pos, Err: fmt.Errorf("Traefik %s reads the traefik.containo.us API group; netops renders traefik.io, which v2.10 and later read", comp.Version)}
	case v.Major() == 2:
		t.warn(pos, "Traefik %s is end of life: v2 lost security support on 2026-02-01; move to v3", comp.Version)
	case v.Major() != 3:
		return &ComponentError{Component: "traefik", Pos: pos, Err: fmt.Errorf("Traefik %s: netops renders Traefik 3.x, and 2.x with a warning", comp.Version)}
	}
	return nil
}

func (r *renderer) traefikInstance(t *Target, comp network.Component, s *network.Service) error {
	if s.IngressClass == "" {
		return &Error{Pos: s.Pos, Msg: fmt.Sprintf("service %s/%s is a Traefik entrypoint (ingress: true) but names no ingressClass", s.Namespace, s.Name)}
	}
	objs, err := r.release("traefik", comp, release{name: s.Name, namespace: s.Namespace, values: traefikValues(comp, s)})
	if err != nil {
		return err
	}
	t.add(s.Pos, objs...)
	r.loadBalancerPolicy(t, s, traefikSelector(s), traefikPolicyPorts(s))
	return nil
}

// traefikValues are the chart values of one instance, with the value keys of the upstream chart:
// its ingress class, which both providers filter on, and its service with the plan's IP.
func traefikValues(comp network.Component, s *network.Service) map[string]any {
	return map[string]any{
		"image":        traefikImage(comp),
		"ingressClass": map[string]any{"enabled": true, "isDefaultClass": false, "name": s.IngressClass},
		"providers": map[string]any{
			"kubernetesCRD":     map[string]any{"enabled": true, "ingressClass": s.IngressClass},
			"kubernetesIngress": map[string]any{"enabled": true, "ingressClass": s.IngressClass},
		},
		"ports":   traefikPorts(s),
		"service": traefikService(s),
	}
}

func traefikImage(comp network.Component) map[string]any {
	im := image{registry: "docker.io", repository: "traefik"}
	if ref, ok := comp.Images["traefik"]; ok {
		im = parseImage(ref)
	}
	v := map[string]any{"registry": im.registry, "repository": im.repository}
	if tag := im.tagOrDigest(comp.Version); tag != "" {
		v["tag"] = tag
	}
	return v
}

// traefikPorts exposes the plan's ports as entrypoints of the same names; web and websecure keep the
// chart's container ports, and are not exposed when the plan leaves them out.
func traefikPorts(s *network.Service) map[string]any {
	ports := map[string]any{}
	for _, name := range traefikPortNames {
		ports[name] = map[string]any{"expose": map[string]any{"default": false}}
	}
	for _, p := range s.Ports {
		port := map[string]any{"exposedPort": p.Port, "protocol": string(p.Protocol), "expose": map[string]any{"default": true}}
		if !slices.Contains(traefikPortNames, p.Name) {
			port["port"] = p.TargetPort
		}
		ports[p.Name] = port
	}
	return ports
}

// traefikSelector selects an instance's pods by the labels that netops's and the upstream chart share.
func traefikSelector(s *network.Service) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":     "traefik",
		"app.kubernetes.io/instance": s.Name + "-" + s.Namespace,
	}
}

// traefikPolicyPorts are the instance's container ports, by entrypoint name.
func traefikPolicyPorts(s *network.Service) []policyPort {
	out := make([]policyPort, len(s.Ports))
	for i, p := range s.Ports {
		out[i] = policyPort{name: p.Name, protocol: p.Protocol}
	}
	return out
}

// ingressClasses maps each ingress class of the cluster to its Traefik instance.
func (r *renderer) ingressClasses(cluster string) map[string]*network.Service {
	m := map[string]*network.Service{}
	for _, s := range r.idx.ingresses[cluster] {
		m[s.IngressClass] = s
	}
	return m
}

// traefikService is the instance's LoadBalancer Service in the upstream chart's value keys.
func traefikService(s *network.Service) map[string]any {
	out := map[string]any{"enabled": true, "type": "LoadBalancer", "annotations": stringMap(loadBalancerAnnotations(s))}
	if tp := trafficPolicy(s); tp != "" {
		out["spec"] = map[string]any{"externalTrafficPolicy": string(tp)}
	}
	return out
}

// ingressRoute routes the service's DNS name to its port through the Traefik instance of its ingress
// class, on the instance's websecure entrypoint with TLS when it has one.
func ingressRoute(s *network.Service, instance *network.Service, port network.Port) *unstructured.Unstructured {
	entryPoint, tls := "web", false
	for _, p := range instance.Ports {
		if p.Name == "websecure" {
			entryPoint, tls = "websecure", true
		}
	}
	backend := map[string]any{"name": s.Name, "port": int64(port.Port)}
	if port.Name == "https" {
		backend["scheme"] = "https"
	}
	spec := map[string]any{
		"entryPoints": []any{entryPoint},
		"routes": []any{map[string]any{
			"kind": "Rule", "match": fmt.Sprintf("Host(`%s`)", s.DNS), "services": []any{backend},
		}},
	}
	if tls {
		spec["tls"] = map[string]any{}
	}
	o := newObject("traefik.io/v1alpha1", "IngressRoute", s.Namespace, s.Name, spec)
	o.SetAnnotations(map[string]string{"kubernetes.io/ingress.class": s.IngressClass})
	return o
}

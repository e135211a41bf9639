package reachtest

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/network"
)

// Table is the truth table of one plan: traffic and what the plan means to happen to it.
type Table struct {
	File  string `yaml:"-"`    // the table's own file
	Plan  string `yaml:"plan"` // the plan's folder, relative to the table's file
	Cases []Case `yaml:"-"`
}

// Case is one traffic with the verdict the plan intends, why, and the plan line that says so.
//
// From and To name an endpoint: net:NETWORK (a host of the network, its tenth address), ip:ADDRESS (a
// host outside the cluster), pod:NAMESPACE (a pod of the namespace), svc:NAMESPACE/NAME (a pod behind
// the plan's Service) or dns (a cluster DNS pod). Port is NUMBER/PROTOCOL; for a svc: destination it is
// the Service's port, which reaches the pod at the port's targetPort.
type Case struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	Port string `yaml:"port"`
	Want string `yaml:"want"` // allow or deny
	Why  string `yaml:"why"`
	Cite string `yaml:"cite"` // file:line in the plan
	Line int    `yaml:"-"`    // the case's line in the table file
}

// Where is the case's place in its table, for messages.
func (c Case) Where(t *Table) string { return fmt.Sprintf("%s:%d", t.File, c.Line) }

// Endpoint is one end of a traffic: a host outside the cluster (no namespace), or a pod.
type Endpoint struct {
	IP        netip.Addr
	Namespace string
	Labels    map[string]string
	Service   *network.Service // the Service whose pods these are, for svc:
	Network   *network.Network // the innermost plan network of an outside host, nil for the internet
}

// Flow is a case resolved against its plan.
type Flow struct {
	Case     Case
	From, To Endpoint
	Port     int
	PortName string // the port's name on the pod, which policies may name instead of its number
	Protocol string
}

// Load reads a table file: plan: and a list cases: of cases.
func Load(file string) (*Table, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Plan  string    `yaml:"plan"`
		Cases yaml.Node `yaml:"cases"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	t := &Table{File: file, Plan: doc.Plan}
	for _, n := range doc.Cases.Content {
		var c Case
		if err := n.Decode(&c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n.Line, err)
		}
		c.Line = n.Line
		if c.Want != "allow" && c.Want != "deny" {
			return nil, fmt.Errorf("%s:%d: want %q; write allow or deny", file, n.Line, c.Want)
		}
		t.Cases = append(t.Cases, c)
	}
	return t, nil
}

// PlanDir is the plan's folder.
func (t *Table) PlanDir() string { return filepath.Join(filepath.Dir(t.File), t.Plan) }

// Flows resolves every case against the plan, and checks that each cites a line of the plan that is
// there and not blank.
func (t *Table) Flows(p *network.Plan) ([]Flow, error) {
	r := resolver{plan: p, pods: map[string]netip.Addr{}}
	if len(p.Clusters) == 0 {
		return nil, fmt.Errorf("%s: plan %s has no cluster", t.File, t.Plan)
	}
	r.next = p.Clusters[0].PodCIDR.Masked().Addr()
	var out []Flow
	for _, c := range t.Cases {
		f, err := r.flow(c)
		if err == nil {
			err = t.checkCite(c.Cite)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Where(t), err)
		}
		out = append(out, f)
	}
	return out, nil
}

func (t *Table) checkCite(cite string) error {
	file, line, ok := strings.Cut(cite, ":")
	n, err := strconv.Atoi(line)
	if !ok || err != nil || n < 1 {
		return fmt.Errorf("cite %q: write FILE:LINE of the plan", cite)
	}
	f, err := os.Open(filepath.Join(t.PlanDir(), file))
	if err != nil {
		return fmt.Errorf("cite %q: %w", cite, err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for i := 1; s.Scan(); i++ {
		if i == n {
			if strings.TrimSpace(s.Text()) == "" {
				return fmt.Errorf("cite %q is a blank line", cite)
			}
			return nil
		}
	}
	return fmt.Errorf("cite %q: %s has fewer lines", cite, file)
}

type resolver struct {
	plan *network.Plan
	pods map[string]netip.Addr // a pod's IP, by endpoint
	next netip.Addr
}

func (r *resolver) flow(c Case) (Flow, error) {
	from, err := r.endpoint(c.From)
	if err != nil {
		return Flow{}, err
	}
	to, err := r.endpoint(c.To)
	if err != nil {
		return Flow{}, err
	}
	num, proto, ok := strings.Cut(c.Port, "/")
	port, err := strconv.Atoi(num)
	if !ok || err != nil || (proto != "TCP" && proto != "UDP") {
		return Flow{}, fmt.Errorf("port %q: write NUMBER/TCP or NUMBER/UDP", c.Port)
	}
	f := Flow{Case: c, From: from, To: to, Port: port, Protocol: proto}
	if to.Service != nil {
		for _, sp := range to.Service.Ports {
			if sp.Port == port && string(sp.Protocol) == proto {
				f.Port, f.PortName = sp.TargetPort, sp.Name
			}
		}
	}
	return f, nil
}

func (r *resolver) endpoint(spec string) (Endpoint, error) {
	kind, name, _ := strings.Cut(spec, ":")
	switch kind {
	case "net":
		return r.host(name)
	case "ip":
		ip, err := netip.ParseAddr(name)
		if err != nil {
			return Endpoint{}, fmt.Errorf("endpoint %q: %w", spec, err)
		}
		return Endpoint{IP: ip, Network: r.innermost(ip)}, nil
	case "pod":
		return r.pod(spec, name, map[string]string{"app.kubernetes.io/name": "client"}, nil), nil
	case "dns":
		return r.pod(spec, "kube-system", map[string]string{"k8s-app": "kube-dns"}, nil), nil
	case "svc":
		return r.service(spec, name)
	}
	return Endpoint{}, fmt.Errorf("endpoint %q: write net:, ip:, pod:, svc: or dns", spec)
}

func (r *resolver) host(name string) (Endpoint, error) {
	for _, n := range r.plan.Networks {
		if n.Name == name {
			ip := n.Prefix.Masked().Addr()
			for range 10 {
				ip = ip.Next()
			}
			return Endpoint{IP: ip, Network: n}, nil
		}
	}
	return Endpoint{}, fmt.Errorf("endpoint net:%s: the plan has no such network", name)
}

// innermost is the plan's smallest network that holds ip, or nil.
func (r *resolver) innermost(ip netip.Addr) *network.Network {
	var best *network.Network
	for _, n := range r.plan.Networks {
		if n.Prefix.Masked().Contains(ip) && (best == nil || n.Prefix.Bits() > best.Prefix.Bits()) {
			best = n
		}
	}
	return best
}

func (r *resolver) service(spec, key string) (Endpoint, error) {
	ns, name, _ := strings.Cut(key, "/")
	for _, s := range r.plan.Services {
		if s.Namespace == ns && s.Name == name {
			return r.pod(spec, ns, podLabels(s), s), nil
		}
	}
	return Endpoint{}, fmt.Errorf("endpoint %q: the plan has no such service", spec)
}

// podLabels are the labels of a Service's pods: a Traefik instance's are the chart's, another's its
// selector, by default app.kubernetes.io/name: NAME.
func podLabels(s *network.Service) map[string]string {
	switch {
	case s.Ingress:
		return map[string]string{"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": s.Name + "-" + s.Namespace}
	case len(s.Selector) > 0:
		return s.Selector
	}
	return map[string]string{"app.kubernetes.io/name": s.Name}
}

// pod is a pod endpoint, with an IP of the pod CIDR of its own.
func (r *resolver) pod(spec, ns string, labels map[string]string, s *network.Service) Endpoint {
	ip, ok := r.pods[spec]
	if !ok {
		for range 10 {
			r.next = r.next.Next()
		}
		ip, r.pods[spec] = r.next, r.next
	}
	return Endpoint{IP: ip, Namespace: ns, Labels: labels, Service: s}
}

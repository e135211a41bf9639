package network

import (
	"fmt"
	"strconv"
)

// PortRef names one of a service's ports by its name or its number, as ingressPort: 3000 or
// ingressPort: http.
type PortRef string

// UnmarshalText takes a name or a number, so that a plan may write either unquoted.
func (r *PortRef) UnmarshalText(text []byte) error {
	*r = PortRef(text)
	return nil
}

// RoutePort is the port that the service's IngressRoute goes to: the one IngressPort names (by name
// or number); without it, the port named http, else the one named web, else the only port.
func (s *Service) RoutePort() (Port, error) {
	if s.IngressPort != "" {
		return s.namedPort(string(s.IngressPort))
	}
	for _, name := range []string{"http", "web"} {
		if p, err := s.namedPort(name); err == nil {
			return p, nil
		}
	}
	if len(s.Ports) == 1 {
		return s.Ports[0], nil
	}
	return Port{}, fmt.Errorf("service %s/%s routes through ingress class %s but has %d ports and none named http or web", s.Namespace, s.Name, s.IngressClass, len(s.Ports))
}

// namedPort is the port with this name, or with this number.
func (s *Service) namedPort(ref string) (Port, error) {
	n, err := strconv.Atoi(ref)
	for _, p := range s.Ports {
		if p.Name == ref || (err == nil && p.Port == n) {
			return p, nil
		}
	}
	return Port{}, fmt.Errorf("service %s/%s: ingressPort %s is not the name or number of one of its ports", s.Namespace, s.Name, ref)
}

package render_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/render"
)

// consul-ui, routed through the LAN instance, with ssh listed before http.
const consulUI = "dns: consul-ui.home.lan\nports:\n  - {name: http, port: 8500, protocol: TCP}\n"

func routedConsulUI(extra string) string {
	return "dns: consul-ui.home.lan\ningressClass: traefik-lan\n" + extra + "ports:\n  - {name: ssh, port: 22}\n  - {name: http, port: 8500}\n"
}

// TestIngressRoutePort checks that the route goes to the port the service names, else to the port
// named http, and not to the first port.
func TestIngressRoutePort(t *testing.T) {
	cases := []struct {
		name  string
		extra string
		want  int64
	}{
		{"the port named http, not the first", "", 8500},
		{"ingressPort by name", "ingressPort: ssh\n", 22},
		{"ingressPort by number", "ingressPort: 22\n", 22},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := renderPlan(t, editedExample(t, "services.yaml", consulUI, routedConsulUI(c.extra)))
			route := find(t, target(t, res, "home"), "IngressRoute", "consul", "consul-ui")
			routes, _, _ := unstructured.NestedSlice(route.Object, "spec", "routes")
			services, _, _ := unstructured.NestedSlice(routes[0].(map[string]any), "services")
			if got := services[0].(map[string]any)["port"]; got != c.want {
				t.Errorf("the route goes to port %v, want %d", got, c.want)
			}
		})
	}
}

// TestIngressRoutePortAmbiguous checks that a plan made without the loader, whose routed service has
// no port to choose, gets no route to a wrong port but a warning at the service.
func TestIngressRoutePortAmbiguous(t *testing.T) {
	p := editedExample(t, "services.yaml", consulUI, routedConsulUI(""))
	for _, s := range p.Services {
		if s.Name == "consul-ui" {
			s.Ports[1].Name = "admin"
		}
	}
	res, err := render.Render(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	home := target(t, res, "home")
	for _, o := range home.Objects {
		if o.GetKind() == "IngressRoute" && o.GetName() == "consul-ui" {
			t.Fatal("an IngressRoute for consul-ui, whose port is ambiguous")
		}
	}
	if !hasWarning(home.Warnings, "services.yaml:", "none named http or web") {
		t.Errorf("no warning about the ambiguous port in %v", home.Warnings)
	}
}

func hasWarning(ws []render.Warning, file, text string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w.Pos.String(), file) && strings.Contains(w.Msg, text) {
			return true
		}
	}
	return false
}

package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"

	"github.com/netops/netops/pkg/network"
)

//go:embed page.html
var pageText string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"formatVersion": func() string { return FormatVersion },
}).Parse(pageText))

// WriteHTML writes the report as one HTML page that needs nothing else: its style is inline, its
// pictures are SVG, and it has no script. The same report always gives the same bytes.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := page.Execute(w, r); err != nil {
		return fmt.Errorf("writing the report of plan %s: %w", r.Name, err)
	}
	return nil
}

// legend lists the roles the plan uses, in the model's order, and its tenants.
func (b *builder) legend() (roles, tenants []Swatch) {
	used := map[network.Role]bool{}
	for _, n := range b.plan.Networks {
		used[n.Role] = true
	}
	for _, r := range network.Roles {
		if used[r] {
			roles = append(roles, Swatch{Name: string(r), Class: "r-" + string(r)})
		}
	}
	for _, t := range b.plan.Tenants {
		tenants = append(tenants, Swatch{Name: t.Name, Class: b.tenantClass(t.Name)})
	}
	return roles, tenants
}

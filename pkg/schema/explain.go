package schema

import (
	"fmt"
	"strings"
)

// kindDocs say what each kind declares, as the README's table does.
var kindDocs = map[string]string{
	"Network":   "Exactly one, in netops.yaml: the plan's name and the component versions and chart sources (MetalLB, Traefik, Weave).",
	"Cluster":   "A Kubernetes cluster: kube context, pod and service CIDRs, DNS domain, the API VIP behind haproxy and the API servers' own addresses, Weave settings.",
	"Site":      "A location and apply target: its cluster, the node labels that select its nodes, its link (direct or through a VPN) and its networks, nested, with their addresses.",
	"Tenant":    "Who may use what: namespaces, pools, VPNs, online exposure, internet egress, other tenants' networks it may reach.",
	"VPN":       "A VPN endpoint: type, prefix, server address, allowed tenants, sites joined, networks reached.",
	"Service":   "A Kubernetes Service with a fixed MetalLB IP: pool, IP, ports, sharing key, exposure, ingress class, external traffic policy.",
	"Exception": "An accepted policy finding: rule, entity, reason and optional expiry.",
}

// Find is Lookup with an error that says which fields there are where the path goes wrong.
func Find(path string) (*Field, error) {
	parts := strings.Split(path, ".")
	f := Kind(parts[0])
	if f == nil {
		return nil, fmt.Errorf("unknown kind %q; use one of: %s", parts[0], strings.Join(Kinds(), ", "))
	}
	for i, p := range parts[1:] {
		if f.Same != "" {
			f, _ = Lookup(f.Same)
		}
		c := child(f, p)
		if c == nil {
			at := strings.Join(parts[:i+1], ".")
			if len(f.Fields) == 0 {
				return nil, fmt.Errorf("%s is a %s, with no fields under it", at, f.Type)
			}
			return nil, fmt.Errorf("%s has no field %q; its fields are: %s", at, p, strings.Join(fieldNames(f), ", "))
		}
		f = c
	}
	return f, nil
}

func fieldNames(f *Field) []string {
	var out []string
	for _, c := range f.Fields {
		out = append(out, c.Name)
	}
	return out
}

// Explain describes the field at f's path as `netops explain` prints it.
func Explain(f *Field) string {
	var b strings.Builder
	fmt.Fprintf(&b, "FIELD:    %s\n", f.Path)
	fmt.Fprintf(&b, "TYPE:     %s\n", typeLine(f))
	if !isKind(f) {
		fmt.Fprintf(&b, "REQUIRED: %s\n", yesNo(f.Info.Required))
		fmt.Fprintf(&b, "DEFAULT:  %s\n", defaultText(f))
	}
	section(&b, "DESCRIPTION", describeField(f))
	section(&b, "RENDERS", f.Info.Renders)
	section(&b, "READ BY RULES", f.Info.Rules)
	if f.Info.Example != "" {
		b.WriteString("\nEXAMPLE:\n")
		for _, line := range strings.Split(f.Info.Example, "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	if f.Same != "" {
		section(&b, "FIELDS", "the same as "+f.Same+": run netops explain "+f.Same)
		return b.String()
	}
	if len(f.Fields) > 0 {
		b.WriteString("\nFIELDS:\n")
		for _, c := range f.Fields {
			fmt.Fprintf(&b, "  %-22s %s%s\n", c.Name, typeLine(c), requiredMark(c))
		}
	}
	return b.String()
}

func isKind(f *Field) bool { return !strings.Contains(f.Path, ".") }

func describeField(f *Field) string {
	if isKind(f) {
		return kindDocs[f.Path]
	}
	return f.Info.Doc
}

// typeLine is a field's type with its allowed values.
func typeLine(f *Field) string {
	if len(f.Enum) == 0 {
		return f.Type
	}
	return f.Type + ", one of: " + strings.Join(f.Enum, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func requiredMark(f *Field) string {
	if f.Info.Required {
		return " (required)"
	}
	return ""
}

// defaultText is the default in words, or "none".
func defaultText(f *Field) string {
	switch {
	case f.Info.Defaults != "":
		return f.Info.Defaults
	case f.Info.Default != nil:
		return jsonText(f.Info.Default)
	}
	return "none"
}

// section writes a heading and text wrapped at 100 columns, indented; nothing when text is empty.
func section(b *strings.Builder, title, text string) {
	if text == "" {
		return
	}
	b.WriteString("\n" + title + ":\n")
	line := " "
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 100 {
			b.WriteString(line + "\n")
			line = " "
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

package schema

import (
	"fmt"
	"strings"
)

// Reference is docs/reference.md: every field of every kind, in one table per kind.
func Reference() []byte {
	var b strings.Builder
	b.WriteString("# Field reference\n\n")
	b.WriteString("Every field of every kind of plan document. This page is generated from the loader's types by\n")
	b.WriteString("`go test ./pkg/schema -update`; `netops explain KIND.FIELD` prints one entry with an example, and\n")
	b.WriteString("`netops schema` the JSON Schema that editors complete and check with.\n\n")
	b.WriteString("Every document starts with `apiVersion: netops.dev/v1alpha1` and its `kind`.\n")
	for _, kind := range Kinds() {
		k := Kind(kind)
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", kind, kindDocs[kind])
		b.WriteString("| field | type | required | default | what it does |\n|---|---|---|---|---|\n")
		Walk(k, func(f *Field) {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", f.Path, cell(typeLine(f)), requiredCell(f), cell(defaultCell(f)), cell(referenceText(f)))
		})
	}
	return []byte(b.String())
}

func requiredCell(f *Field) string {
	if f.Info.Required {
		return "yes"
	}
	return ""
}

func defaultCell(f *Field) string {
	if d := defaultText(f); d != "none" {
		return d
	}
	return ""
}

// referenceText is a field's doc with what it renders, which rules read it, and where a recursive
// type is described.
func referenceText(f *Field) string {
	parts := []string{f.Info.Doc}
	if f.Info.Renders != "" {
		parts = append(parts, "Renders: "+f.Info.Renders+".")
	}
	if f.Info.Rules != "" {
		parts = append(parts, "Read by: "+f.Info.Rules+".")
	}
	if f.Same != "" {
		parts = append(parts, "Its fields are those of `"+f.Same+"`.")
	}
	return strings.Join(parts, " ")
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

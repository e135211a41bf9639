package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// FormatVersion is the version of the plan's JSON document.
const FormatVersion = "1"

// View writes a plan in one format.
type View interface {
	Write(w io.Writer, p *Plan) error
}

// NewView returns the view for a format: text, json or markdown.
func NewView(format string) (View, error) {
	switch format {
	case "text":
		return Text{}, nil
	case "json":
		return JSON{}, nil
	case "markdown", "md":
		return Markdown{}, nil
	}
	return nil, fmt.Errorf("unknown output format %q; use text, json or markdown", format)
}

// JSON writes the whole plan as one versioned JSON document.
type JSON struct{}

// Write implements View.
func (JSON) Write(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		FormatVersion string `json:"format_version"`
		*Plan
	}{FormatVersion, p})
}

// maxFields bounds the fields a text or Markdown view lists for one created object.
const maxFields = 40

var symbols = map[Action]string{Create: "+", Update: "~", Delete: "-"}

// countLine is the closing line of a human view, as terraform words it.
func countLine(p *Plan) string {
	switch {
	case !p.HasChanges() && p.Mode == "offline":
		return "No changes. The render matches the base's."
	case !p.HasChanges():
		return "No changes. The cluster matches the plan."
	}
	c := p.Counts
	return fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy.", c.Create, c.Update, c.Delete)
}

// fieldLines lists an object's changed fields, one per line, bounded for created objects.
func fieldLines(c Change) []string {
	if c.Ref.Kind == "CustomResourceDefinition" && c.Action == Create {
		return nil
	}
	var lines []string
	for i, f := range c.Fields {
		if c.Action == Create && i == maxFields {
			lines = append(lines, fmt.Sprintf("… %d more fields", len(c.Fields)-maxFields))
			break
		}
		lines = append(lines, fieldLine(f)...)
	}
	return lines
}

// fieldLine shows one changed field; a changed multi-line text shows as the lines that changed.
func fieldLine(f Field) []string {
	switch f.Op() {
	case "+":
		return []string{fmt.Sprintf("+ %s: %s", f.Path, value(f.After))}
	case "-":
		return []string{fmt.Sprintf("- %s: %s", f.Path, value(f.Before))}
	}
	if diff, ok := lineDiff(f.Before, f.After); ok {
		return append([]string{fmt.Sprintf("~ %s:", f.Path)}, prefixed("    ", diff)...)
	}
	return []string{fmt.Sprintf("~ %s: %s -> %s", f.Path, value(f.Before), value(f.After))}
}

func value(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func objectLine(c Change) string {
	line := fmt.Sprintf("%s %s", symbols[c.Action], c.Ref)
	if c.Source != "" {
		line += "  (" + c.Source + ")"
	}
	return line
}

func summaryLine(s Summary) string {
	line := s.Text
	if s.Target != "" {
		line = s.Target + ": " + line
	}
	if s.Source != "" {
		line += "  (" + s.Source + ")"
	}
	return line
}

// Text writes a plan for a terminal, like terraform: network changes first, then each object.
type Text struct{}

// Write implements View.
func (Text) Write(w io.Writer, p *Plan) error {
	var b strings.Builder
	if len(p.Summary) > 0 {
		b.WriteString("Network changes:\n")
		for _, s := range p.Summary {
			fmt.Fprintf(&b, "  %s\n", summaryLine(s))
		}
		b.WriteString("\n")
	}
	changes := byTarget(p)
	for _, t := range p.Targets {
		writeTarget(&b, t, changes[t])
	}
	b.WriteString(countLine(p) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTarget(b *strings.Builder, target string, changes []Change) {
	if len(changes) == 0 {
		return
	}
	fmt.Fprintf(b, "# %s\n", target)
	for _, c := range changes {
		fmt.Fprintf(b, "  %s\n", objectLine(c))
		for _, l := range fieldLines(c) {
			fmt.Fprintf(b, "      %s\n", l)
		}
	}
	b.WriteString("\n")
}

// byTarget lists each target's changes that do something, in one pass over the plan.
func byTarget(p *Plan) map[string][]Change {
	out := make(map[string][]Change, len(p.Targets))
	for _, c := range p.Changes {
		if c.Action != NoOp {
			out[c.Target] = append(out[c.Target], c)
		}
	}
	return out
}

// Markdown writes a plan as a pull-request comment: a table of targets, the network changes, then each
// target's object diffs folded in <details>.
type Markdown struct{}

// Write implements View.
func (Markdown) Write(w io.Writer, p *Plan) error {
	var b strings.Builder
	b.WriteString("### netops plan\n\n| target | add | change | destroy |\n|---|---:|---:|---:|\n")
	changes := byTarget(p)
	for _, t := range p.Targets {
		c := counts(changes[t])
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", t, c.Create, c.Update, c.Delete)
	}
	if len(p.Summary) > 0 {
		b.WriteString("\n**Network changes**\n\n")
		for _, s := range p.Summary {
			fmt.Fprintf(&b, "- %s\n", mdEscape(summaryLine(s)))
		}
	}
	for _, t := range p.Targets {
		writeMarkdownTarget(&b, t, changes[t])
	}
	fmt.Fprintf(&b, "\n%s\n", countLine(p))
	_, err := io.WriteString(w, b.String())
	return err
}

func counts(changes []Change) Counts {
	sub := &Plan{Changes: changes}
	sub.count()
	return sub.Counts
}

func writeMarkdownTarget(b *strings.Builder, target string, changes []Change) {
	if len(changes) == 0 {
		return
	}
	fmt.Fprintf(b, "\n<details><summary>%s: %d object(s)</summary>\n\n```diff\n", target, len(changes))
	for _, c := range changes {
		fmt.Fprintf(b, "%s\n", strings.ReplaceAll(objectLine(c), "```", "'''"))
		for _, l := range fieldLines(c) {
			fmt.Fprintf(b, "%s\n", diffLine(strings.ReplaceAll(l, "```", "'''")))
		}
	}
	b.WriteString("```\n\n</details>\n")
}

// diffLine marks added and removed fields for a diff code block and indents the rest.
func diffLine(l string) string {
	if strings.HasPrefix(l, "+ ") || strings.HasPrefix(l, "- ") {
		return l[:1] + "    " + l[2:]
	}
	return "     " + l
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

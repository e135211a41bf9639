package report

import (
	"html"
	"net/netip"
	"strconv"
	"strings"
)

// span is a run of cells of a /24 map: n cells from the first.
type span struct{ first, n int }

// spanOf is the part of the /24 p that q covers.
func spanOf(p, q netip.Prefix) span {
	if q.Bits() <= p.Bits() {
		return span{0, 256}
	}
	return span{int(q.Addr().As4()[3]), 1 << (32 - q.Bits())}
}

// box is the rectangle of a span: whole rows from 16 cells on, part of one row below.
func (s span) box() (x, y, w, h int) {
	if s.n >= 16 {
		return 0, s.first / 16 * cell, 16 * cell, s.n / 16 * cell
	}
	return s.first % 16 * cell, s.first / 16 * cell, s.n * cell, cell
}

// svgWriter writes SVG elements; it escapes every text and attribute value it is given.
type svgWriter struct {
	strings.Builder
	found bool // whether an outline of a finding was written
}

func (w *svgWriter) rect(s span, class, title, attrs string) {
	x, y, wd, h := s.box()
	w.WriteString(`<rect x="`)
	w.WriteString(strconv.Itoa(x))
	w.WriteString(`" y="`)
	w.WriteString(strconv.Itoa(y))
	w.WriteString(`" width="`)
	w.WriteString(strconv.Itoa(wd))
	w.WriteString(`" height="`)
	w.WriteString(strconv.Itoa(h))
	w.WriteString(`" class="`)
	w.WriteString(html.EscapeString(class))
	w.WriteString(`"`)
	w.WriteString(attrs)
	if title == "" {
		w.WriteString("/>")
		return
	}
	w.WriteString("><title>")
	w.WriteString(html.EscapeString(title))
	w.WriteString("</title></rect>")
}

// attr is an attribute, escaped, with its leading space.
func attr(name, value string) string { return " " + name + `="` + escape(value) + `"` }

func escape(s string) string { return html.EscapeString(s) }

package load

import (
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastParse parses the plain YAML that network repos are written in into the very nodes yaml.v3 makes
// of it (kinds, tags, styles, values, lines and columns; comments are left out, since no stage reads
// them), several times faster and with few allocations: block mappings and sequences, flow
// collections on one line, plain and quoted scalars on one line, comments, and documents between ---
// lines. It gives up on anything else (anchors, aliases, tags, block scalars, scalars over several
// lines, empty values, escapes, tabs, carriage returns, syntax errors…), and the file is then parsed
// by yaml.v3, which also reports its syntax errors. FuzzFastParse holds it to yaml.v3's output.
//
// The nodes come from a, and the values are slices of src: both must outlive the nodes.
func fastParse(src string, a *arena, maxDepth int) (docs []*yaml.Node, ok bool) {
	if !plainText(src) {
		return nil, false
	}
	p := &fastParser{src: src, line: 1, ascii: isASCII(src), a: a, maxDepth: maxDepth}
	defer func() {
		if r := recover(); r != nil {
			if r != errGiveUp {
				panic(r)
			}
			docs, ok = nil, false
		}
	}()
	return p.documents(), true
}

// errGiveUp unwinds a fastParser that met YAML it leaves to yaml.v3.
var errGiveUp = new(int)

type fastParser struct {
	src       string
	pos       int  // the next byte to read
	line      int  // 1-based line of pos
	lineStart int  // offset of that line's first byte
	indent    int  // spaces before the first character of the current content line
	ascii     bool // a column is then a byte offset
	a         *arena
	depth     int // collections open around pos
	maxDepth  int // the most collections open before it gives up
}

// enter opens a collection, giving up when that nests deeper than maxDepth; leave closes it.
func (p *fastParser) enter() {
	if p.depth++; p.depth > p.maxDepth {
		giveUp()
	}
}

func (p *fastParser) leave() { p.depth-- }

func giveUp() { panic(errGiveUp) }

// plainText reports whether src holds only what the fast parser reads: printable UTF-8, spaces and
// line feeds; no tab, carriage return, byte order mark or Unicode line break, which yaml.v3 treats
// apart.
func plainText(src string) bool {
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c >= 0x20 && c < 0x7f, c == '\n':
			continue
		case c < 0x80:
			return false
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if !printable(r) || size == 1 {
			return false
		}
		i += size - 1
	}
	return true
}

// printable is YAML's printable set outside ASCII, less U+0085 (a line break to YAML) and the BOM.
func printable(r rune) bool {
	return r >= 0xa0 && r <= 0xd7ff && r != 0x2028 && r != 0x2029 || r >= 0xe000 && r <= 0xfffd && r != 0xfeff || r >= 0x10000 && r <= 0x10ffff
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (p *fastParser) eof() bool { return p.pos >= len(p.src) }

func (p *fastParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return '\n'
}

// col is the 1-based column of offset i on the current line, in characters as yaml.v3 counts them.
func (p *fastParser) col(i int) int {
	if p.ascii {
		return i - p.lineStart + 1
	}
	return utf8.RuneCountInString(p.src[p.lineStart:i]) + 1
}

// blankAt reports whether offset i is a space, the end of a line or the end of the text.
func (p *fastParser) blankAt(i int) bool {
	return i >= len(p.src) || p.src[i] == ' ' || p.src[i] == '\n'
}

// entryAt reports whether a block sequence entry, "- ", starts at offset i.
func (p *fastParser) entryAt(i int) bool { return i < len(p.src) && p.src[i] == '-' && p.blankAt(i+1) }

func (p *fastParser) spaces() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

// endLine reads what may follow a value on its line, spaces and a comment, and moves to the next
// content line.
func (p *fastParser) endLine() {
	start := p.pos
	p.spaces()
	if !p.eof() {
		switch c := p.src[p.pos]; {
		case c == '#' && (p.pos > start || p.pos == p.lineStart):
			if i := strings.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
				p.pos += i
			} else {
				p.pos = len(p.src)
			}
		case c != '\n':
			giveUp()
		}
	}
	if !p.eof() {
		p.pos++
		p.line++
		p.lineStart = p.pos
	}
	p.content()
}

// content skips blank and comment lines, and stops at the first character of the next content line,
// or at the end of the text.
func (p *fastParser) content() {
	for !p.eof() {
		p.spaces()
		p.indent = p.pos - p.lineStart
		if p.eof() {
			return
		}
		if c := p.src[p.pos]; c != '\n' && c != '#' {
			if p.pos == p.lineStart && (strings.HasPrefix(p.src[p.pos:], "---") || strings.HasPrefix(p.src[p.pos:], "...")) && !p.marker() {
				giveUp() // "---x" or "...": leave it to yaml.v3
			}
			return
		}
		next := strings.IndexByte(p.src[p.pos:], '\n')
		if next < 0 {
			p.pos = len(p.src)
			return
		}
		p.pos += next + 1
		p.line++
		p.lineStart = p.pos
	}
}

// marker reports whether the current line is a document start, "---" alone or before a comment.
func (p *fastParser) marker() bool {
	return p.pos == p.lineStart && strings.HasPrefix(p.src[p.pos:], "---") && p.blankAt(p.pos+3)
}

// documents reads every document of the stream. Each must be a block mapping.
func (p *fastParser) documents() []*yaml.Node {
	var docs []*yaml.Node
	p.content()
	if p.eof() {
		giveUp() // no document, or only comments
	}
	if p.marker() {
		p.pos += 3
		p.endLine()
	}
	for {
		if p.eof() || p.marker() || p.indent > 0 {
			giveUp() // an empty document, or one that does not start in the first column
		}
		root := p.block()
		if root.Kind != yaml.MappingNode {
			giveUp()
		}
		docs = append(docs, root)
		if p.eof() {
			return docs
		}
		if !p.marker() {
			giveUp()
		}
		p.pos += 3
		p.endLine()
	}
}

// block reads the block mapping or sequence at the current position.
func (p *fastParser) block() *yaml.Node {
	if p.entryAt(p.pos) {
		return p.sequence(p.col(p.pos))
	}
	if !p.keyAt(p.pos) {
		giveUp() // a scalar or flow collection on a line of its own
	}
	return p.mapping(p.col(p.pos))
}

// mapping reads a block mapping whose keys are in column col, the first one at the current position.
func (p *fastParser) mapping(col int) *yaml.Node {
	p.enter()
	defer p.leave()
	n := p.a.node(yaml.MappingNode, "!!map", 0, p.line, col)
	mark := p.a.mark()
	for {
		p.a.push(p.key())
		p.a.push(p.value(col))
		if p.eof() || p.indent+1 < col || p.marker() {
			break
		}
		if p.indent+1 > col || p.entryAt(p.pos) {
			giveUp()
		}
	}
	n.Content = p.a.pop(mark)
	return n
}

// key reads a plain key and the ':' after it.
func (p *fastParser) key() *yaml.Node {
	start := p.pos
	end, isKey := p.plainEnd(start, false)
	if !isKey || end-start > 1000 {
		giveUp()
	}
	k := p.plain(start, end)
	p.pos = end
	p.spaces()
	p.pos++ // the ':'
	return k
}

// value reads the value after a key's ':' in column col: on the same line, or a block collection on
// the lines below. It ends at the next content line.
func (p *fastParser) value(col int) *yaml.Node {
	p.spaces()
	if c := p.peek(); c != '\n' && c != '#' {
		v := p.inline()
		p.endLine()
		if !p.eof() && p.indent+1 > col {
			giveUp() // the value goes on over more lines, or the YAML is wrong
		}
		return v
	}
	p.endLine()
	switch {
	case p.eof() || p.marker():
		giveUp() // an empty value
	case p.indent+1 > col:
		return p.block()
	case p.indent+1 == col && p.entryAt(p.pos):
		return p.sequence(col)
	}
	giveUp() // an empty value
	return nil
}

// sequence reads a block sequence whose "- " entries are in column col, the first one at the
// current position.
func (p *fastParser) sequence(col int) *yaml.Node {
	p.enter()
	defer p.leave()
	n := p.a.node(yaml.SequenceNode, "!!seq", 0, p.line, col)
	mark := p.a.mark()
	for {
		p.pos++ // the '-'
		p.spaces()
		if c := p.peek(); c == '\n' || c == '#' || p.entryAt(p.pos) {
			giveUp() // an entry on the lines below, an empty one, or a sequence in a sequence
		}
		if p.keyAt(p.pos) {
			p.a.push(p.mapping(p.col(p.pos)))
		} else {
			p.a.push(p.inline())
			p.endLine()
		}
		if p.eof() || p.indent+1 < col {
			break
		}
		if p.indent+1 > col {
			giveUp()
		}
		if !p.entryAt(p.pos) {
			break // the next key of the mapping this sequence is the value of, in the same column
		}
	}
	n.Content = p.a.pop(mark)
	return n
}

// inline reads a value that fits on the current line: a flow collection, or a quoted or plain scalar.
func (p *fastParser) inline() *yaml.Node { return p.lineValue(false) }

// flowValue reads a value inside a flow collection, where ',' and the closing bracket end a scalar.
func (p *fastParser) flowValue() *yaml.Node { return p.lineValue(true) }

func (p *fastParser) lineValue(inFlow bool) *yaml.Node {
	switch p.peek() {
	case '[':
		return p.flowSequence()
	case '{':
		return p.flowMapping()
	case '"', '\'':
		return p.quoted()
	}
	start := p.pos
	end, isKey := p.plainEnd(start, inFlow)
	if isKey {
		giveUp() // a mapping where a single value belongs
	}
	p.pos = end
	return p.plain(start, end)
}

func (p *fastParser) flowSequence() *yaml.Node {
	p.enter()
	defer p.leave()
	n := p.a.node(yaml.SequenceNode, "!!seq", yaml.FlowStyle, p.line, p.col(p.pos))
	mark := p.a.mark()
	p.pos++
	p.spaces()
	if p.peek() == ']' {
		p.pos++
		return n
	}
	for {
		p.a.push(p.flowValue())
		if !p.flowNext(']') {
			break
		}
	}
	n.Content = p.a.pop(mark)
	return n
}

func (p *fastParser) flowMapping() *yaml.Node {
	p.enter()
	defer p.leave()
	n := p.a.node(yaml.MappingNode, "!!map", yaml.FlowStyle, p.line, p.col(p.pos))
	mark := p.a.mark()
	p.pos++
	p.spaces()
	if p.peek() == '}' {
		p.pos++
		return n
	}
	for {
		start := p.pos
		end, isKey := p.plainEnd(start, true)
		if !isKey || p.src[end] != ':' || !p.blankAt(end+1) {
			giveUp()
		}
		p.a.push(p.plain(start, end))
		p.pos = end + 1
		p.spaces()
		p.a.push(p.flowValue())
		if !p.flowNext('}') {
			break
		}
	}
	n.Content = p.a.pop(mark)
	return n
}

// flowNext reads what follows an entry of a flow collection: ", " and another entry (true), or the
// closing bracket (false).
func (p *fastParser) flowNext(closing byte) bool {
	p.spaces()
	switch p.peek() {
	case ',':
		p.pos++
		p.spaces()
		if c := p.peek(); c == closing || c == ',' {
			giveUp()
		}
		return true
	case closing:
		p.pos++
		return false
	}
	giveUp()
	return false
}

// keyAt reports whether a plain key starts at offset i.
func (p *fastParser) keyAt(i int) bool {
	if strings.IndexByte("[{\"'", p.src[i]) >= 0 {
		return false
	}
	_, isKey := p.plainEnd(i, false)
	return isKey
}

// plainEnd finds the end of the plain scalar at start, trailing spaces left out, and whether a ':'
// indicator follows it, which makes it a key. In a flow collection the scalar also ends at a flow
// indicator. It gives up where the scalar would not be plain, or where yaml.v3's rules get subtle.
func (p *fastParser) plainEnd(start int, flow bool) (end int, isKey bool) {
	src := p.src
	if start >= len(src) {
		giveUp()
	}
	switch c := src[start]; c {
	case '-':
		if p.blankAt(start + 1) {
			giveUp()
		}
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\n':
		giveUp()
	}
	stops := &blockStops
	if flow {
		stops = &flowStops
	}
	i := start
	for ; i < len(src); i++ {
		c := src[i]
		if !stops[c] {
			continue
		}
		if c == '\n' {
			break
		}
		if c == ':' && (p.blankAt(i+1) || flow && flowStops[src[i+1]]) {
			isKey = true
			break
		}
		if c == '#' {
			if src[i-1] == ' ' {
				break
			}
			continue
		}
		if !flow {
			continue
		}
		if c == ':' || c == '?' {
			giveUp() // "a:b" or "a?" inside a flow collection
		}
		break
	}
	end = i
	for end > start && src[end-1] == ' ' {
		end--
	}
	if end == start {
		giveUp()
	}
	return end, isKey
}

// The characters at which plainEnd looks closer, in block and in flow context.
var blockStops, flowStops [256]bool

func init() {
	for _, c := range "\n:#" {
		blockStops[c], flowStops[c] = true, true
	}
	for _, c := range ",[]{}?" {
		flowStops[c] = true
	}
}

// plain makes the node of the plain scalar src[start:end] on the current line.
func (p *fastParser) plain(start, end int) *yaml.Node {
	v := p.src[start:end]
	if v == "<<" {
		giveUp() // a merge key
	}
	n := p.a.node(yaml.ScalarNode, "", 0, p.line, p.col(start))
	n.Value = v
	n.Tag = plainTag(n)
	return n
}

// plainTag is the tag yaml.v3 resolves a plain scalar to. A scalar whose first character cannot start
// a number, boolean, null or special float is a string, and so is one that holds a '/' or two dots;
// the rest go through yaml.v3's own resolution.
func plainTag(n *yaml.Node) string {
	v := n.Value
	switch c := v[0]; {
	case c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.':
		if strings.IndexByte(v, '/') >= 0 || strings.Count(v, ".") >= 2 {
			return "!!str" // a prefix or an IPv4 address: no number or timestamp has a '/' or two dots
		}
	case strings.IndexByte("yYnNtTfFoO~", c) < 0:
		return "!!str"
	}
	return n.ShortTag()
}

// quoted reads a single- or double-quoted scalar that ends on its line, with no escape but a doubled
// single quote.
func (p *fastParser) quoted() *yaml.Node {
	q := p.src[p.pos]
	start := p.pos + 1
	style := yaml.DoubleQuotedStyle
	if q == '\'' {
		style = yaml.SingleQuotedStyle
	}
	n := p.a.node(yaml.ScalarNode, "!!str", style, p.line, p.col(p.pos))
	escaped := false
	i := start
	for ; ; i++ {
		if i >= len(p.src) || p.src[i] == '\n' || q == '"' && p.src[i] == '\\' {
			giveUp()
		}
		if p.src[i] != q {
			continue
		}
		if q == '\'' && i+1 < len(p.src) && p.src[i+1] == '\'' {
			escaped = true
			i++
			continue
		}
		break
	}
	n.Value = p.src[start:i]
	if escaped {
		n.Value = strings.ReplaceAll(n.Value, "''", "'")
	}
	p.pos = i + 1
	return n
}

// arena hands out the nodes of one file at a time, and their Content slices, from big chunks that it
// reuses for the next file once the caller is done with the nodes. It saves yaml.v3's allocation per
// node, which is most of what loading a big repo allocates.
type arena struct {
	chunks [][]yaml.Node
	chunk  int // the chunk in use
	used   int // nodes used in it
	ptrs   [][]*yaml.Node
	ptr    int
	pused  int
	stack  []*yaml.Node // the children of the collections being read
}

const arenaChunk = 4096

var arenas = sync.Pool{New: func() any { return &arena{} }}

func (a *arena) node(kind yaml.Kind, tag string, style yaml.Style, line, col int) *yaml.Node {
	if a.chunk == len(a.chunks) {
		a.chunks = append(a.chunks, make([]yaml.Node, arenaChunk))
	}
	n := &a.chunks[a.chunk][a.used]
	*n = yaml.Node{Kind: kind, Tag: tag, Style: style, Line: line, Column: col}
	if a.used++; a.used == arenaChunk {
		a.chunk, a.used = a.chunk+1, 0
	}
	return n
}

func (a *arena) mark() int         { return len(a.stack) }
func (a *arena) push(n *yaml.Node) { a.stack = append(a.stack, n) }

// pop moves the children pushed since mark into a Content slice.
func (a *arena) pop(mark int) []*yaml.Node {
	kids := a.stack[mark:]
	a.stack = a.stack[:mark]
	if len(kids) == 0 {
		return nil
	}
	if len(kids) > arenaChunk {
		return append([]*yaml.Node(nil), kids...)
	}
	if a.ptr == len(a.ptrs) || a.pused+len(kids) > arenaChunk {
		if a.pused > 0 {
			a.ptr, a.pused = a.ptr+1, 0
		}
		if a.ptr == len(a.ptrs) {
			a.ptrs = append(a.ptrs, make([]*yaml.Node, arenaChunk))
		}
	}
	out := a.ptrs[a.ptr][a.pused : a.pused+len(kids) : a.pused+len(kids)]
	copy(out, kids)
	a.pused += len(kids)
	return out
}

// reset makes every node available again; the nodes handed out before must no longer be used.
func (a *arena) reset() {
	a.chunk, a.used, a.ptr, a.pused = 0, 0, 0, 0
	a.stack = a.stack[:0]
}

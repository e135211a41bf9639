package load

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/netops/netops/pkg/network"
)

// reader reads the plan files of one load within its limits, and stops when ctx is done.
type reader struct {
	ctx    context.Context
	fsys   fs.FS
	limits Limits
	total  atomic.Int64 // bytes read so far, over every file
}

// read returns the bytes of file, or records why it will not: the file is too large, or every file
// read so far is.
func (r *reader) read(file string, c *errs) ([]byte, bool) {
	f, err := r.fsys.Open(file)
	if err != nil {
		c.add(network.Pos{File: file}, "", "%s", cleanFSError(err))
		return nil, false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, r.limits.FileBytes+1))
	switch {
	case err != nil:
		c.add(network.Pos{File: file}, "", "%s", cleanFSError(err))
		return nil, false
	case int64(len(b)) > r.limits.FileBytes:
		c.add(network.Pos{File: file}, raise(EnvFileBytes, r.limits.FileBytes), "file larger than %d bytes", r.limits.FileBytes)
		return nil, false
	case r.total.Add(int64(len(b))) > r.limits.TotalBytes:
		c.add(network.Pos{File: file}, raise(EnvTotalBytes, r.limits.TotalBytes), "plan files larger than %d bytes in all", r.limits.TotalBytes)
		return nil, false
	}
	return b, true
}

// utf8Text reports whether b is UTF-8, or records the line of its first byte that is not.
func utf8Text(b []byte, file string, c *errs) bool {
	if utf8.Valid(b) {
		return true
	}
	line, start := 1, 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			c.add(network.Pos{File: file, Line: line, Col: utf8.RuneCount(b[start:i]) + 1}, "save the file as UTF-8",
				"the file is not UTF-8: byte 0x%02x", b[i])
			return false
		}
		if r == '\n' {
			line, start = line+1, i+1
		}
		i += size
	}
	return false
}

// shallow reports whether b nests no deeper than the depth limit, or records the first line that
// does. It counts indented blocks, "- " entries and open brackets, before any parser recurses.
func (r *reader) shallow(b []byte, file string, c *errs) bool {
	var indents []int
	flow := 0
	for n, line := range strings.Split(string(b), "\n") {
		body := strings.TrimLeft(line, " ")
		if body == "" || body[0] == '#' {
			continue
		}
		indent := len(line) - len(body)
		if flow == 0 {
			for len(indents) > 0 && indents[len(indents)-1] >= indent {
				indents = indents[:len(indents)-1]
			}
			indents = append(indents, indent)
		}
		depth, open := lineDepth(body, flow)
		flow = open
		if d := len(indents) + depth; d > r.limits.Depth {
			c.add(network.Pos{File: file, Line: n + 1}, raise(EnvDepth, int64(r.limits.Depth)),
				"nested deeper than %d levels", r.limits.Depth)
			return false
		}
	}
	return true
}

// lineDepth returns the deepest nesting on one line, counting its leading "- " entries and its
// brackets from flow already open, and the brackets still open at its end.
func lineDepth(body string, flow int) (deepest, open int) {
	for strings.HasPrefix(body, "- ") {
		deepest++
		body = strings.TrimLeft(body[2:], " ")
	}
	extra := deepest
	var quote byte
	for i := 0; i < len(body); i++ {
		ch := body[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '#' && (i == 0 || body[i-1] == ' '):
			return deepest, flow
		case ch == '[' || ch == '{':
			flow++
			deepest = max(deepest, extra+flow)
		case (ch == ']' || ch == '}') && flow > 0:
			flow--
		}
	}
	return max(deepest, extra+flow), flow
}

// stopped records that ctx ended the load.
func stopped(ctx context.Context, c *errs) {
	c.add(network.Pos{File: "."}, "", "%s", fmt.Sprintf("stopped reading the repo: %s", context.Cause(ctx)))
}

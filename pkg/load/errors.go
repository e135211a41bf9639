package load

import (
	"fmt"
	"strings"

	"github.com/netops/netops/pkg/network"
)

// Error is one problem in the network repo, at a position, with what to do about it.
type Error struct {
	Pos  network.Pos
	Msg  string
	Hint string // what to do; may be empty
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s; %s", e.Pos, e.Msg, e.Hint)
}

// Errors is every problem found in one load, in file and line order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// errs collects errors while loading.
type errs struct{ list Errors }

func (c *errs) add(pos network.Pos, hint, format string, args ...any) {
	c.list = append(c.list, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/netops/netops/pkg/network"
)

// Error is a problem with a policy or a policy data file, at its file:line.
type Error struct {
	Pos network.Pos
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// Errors is every problem found with the policies, in the order OPA reported them.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// opaErrors turns the errors of OPA's parser, compiler or evaluator into Errors at their file:line;
// any other error is returned as it is.
func opaErrors(err error) error {
	var list ast.Errors
	if errors.As(err, &list) {
		out := make(Errors, len(list))
		for i, e := range list {
			out[i] = &Error{Pos: location(e.Location), Msg: e.Message}
		}
		return out
	}
	var one *ast.Error
	if errors.As(err, &one) {
		return Errors{{Pos: location(one.Location), Msg: one.Message}}
	}
	var te *topdown.Error
	if errors.As(err, &te) {
		return Errors{{Pos: location(te.Location), Msg: te.Message}}
	}
	return err
}

func location(l *ast.Location) network.Pos {
	if l == nil {
		return network.Pos{}
	}
	return network.Pos{File: l.File, Line: l.Row, Col: l.Col}
}

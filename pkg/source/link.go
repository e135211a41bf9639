package source

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// maxLinks is how many symlinks one path may pass through, as in Linux.
const maxLinks = 40

var errLinkLoop = errors.New("too many levels of symbolic links")

// links is what following symlinks needs from a tree of files.
// Both methods get paths whose folders are not links.
type links interface {
	lstat(name string) (fs.FileMode, error)
	readlink(name string) (string, error)
}

// step is one element of a path still to walk, with the link whose target it came from.
type step struct {
	name   string
	link   string
	target string
}

// walk follows the symlinks in a path, element by element, as the kernel does.
type walk struct {
	tree links
	done string // the part walked, free of links; "" is the root
	todo []step
	hops int
}

// follow returns name with every symlink in it resolved, or a *SymlinkError
// for a link that is absolute or leaves the root of the tree.
func follow(tree links, name string) (string, error) {
	w := &walk{tree: tree, todo: split(name, "", "")}
	for len(w.todo) > 0 {
		if err := w.next(); err != nil {
			return "", err
		}
	}
	if w.done == "" {
		return ".", nil
	}
	return w.done, nil
}

func split(name, link, target string) []step {
	var steps []step
	for part := range strings.SplitSeq(name, "/") {
		steps = append(steps, step{name: part, link: link, target: target})
	}
	return steps
}

func (w *walk) next() error {
	s := w.todo[0]
	w.todo = w.todo[1:]
	switch s.name {
	case "", ".":
		return nil
	case "..":
		return w.up(s)
	}
	name := path.Join(w.done, s.name)
	mode, err := w.tree.lstat(name)
	if err != nil {
		return err
	}
	if mode&fs.ModeSymlink == 0 {
		w.done = name
		return nil
	}
	return w.expand(name)
}

func (w *walk) up(s step) error {
	if w.done == "" {
		return &SymlinkError{Path: s.link, Target: s.target}
	}
	w.done = parent(w.done)
	return nil
}

func (w *walk) expand(link string) error {
	if w.hops++; w.hops > maxLinks {
		return errLinkLoop
	}
	target, err := w.tree.readlink(link)
	if err != nil {
		return err
	}
	if target == "" || path.IsAbs(target) || filepath.IsAbs(target) {
		return &SymlinkError{Path: link, Target: target}
	}
	w.done = parent(link)
	w.todo = append(split(filepath.ToSlash(target), link, target), w.todo...)
	return nil
}

func parent(name string) string {
	dir := path.Dir(name)
	if dir == "." {
		return ""
	}
	return dir
}

// pathError is err from an fs method on name: nil stays nil, a *SymlinkError is
// returned as it is, naming rev, and anything else becomes an *fs.PathError.
func pathError(op, name, rev string, err error) error {
	if err == nil {
		return nil
	}
	var link *SymlinkError
	if errors.As(err, &link) {
		link.Rev = rev
		return link
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: name, Err: pe.Err}
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

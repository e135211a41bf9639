package load

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/network"
)

// Reserved folders of a network repo hold other things than plan documents.
var Reserved = []string{"policies", "charts", "overlays"}

// planFiles lists the YAML files of a repo in lexical order, leaving out dot folders and reserved folders.
func planFiles(fsys fs.FS, c *errs) []string {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			c.add(network.Pos{File: p}, "", "%s", cleanFSError(err))
			return nil
		}
		if e.IsDir() && p != "." && skipDir(p) {
			return fs.SkipDir
		}
		if !e.IsDir() && isYAML(p) && regular(fsys, p, e, c) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		c.add(network.Pos{File: "."}, "", "%s", cleanFSError(err))
	}
	return files
}

func skipDir(p string) bool {
	base := path.Base(p)
	if strings.HasPrefix(base, ".") {
		return true
	}
	for _, r := range Reserved {
		if p == r {
			return true
		}
	}
	return false
}

// regular reports whether the plan file p is a regular file, or a link to one. Anything else (a named
// pipe, a device, a socket, a link to nowhere or to a folder) is an error at its path: reading it could
// block forever.
func regular(fsys fs.FS, p string, e fs.DirEntry, c *errs) bool {
	if e.Type().IsRegular() {
		return true
	}
	info, err := fs.Stat(fsys, p)
	switch {
	case err != nil:
		c.add(network.Pos{File: p}, "remove the link or point it at a plan file", "cannot read: %s", cleanFSError(err))
		return false
	case info.IsDir():
		c.add(network.Pos{File: p}, "rename the folder so its name does not end in .yaml", "a link to a folder named like a plan file")
		return false
	case !info.Mode().IsRegular():
		c.add(network.Pos{File: p}, "remove it or rename it so it does not end in .yaml", "not a regular file (%s)", info.Mode().Type())
		return false
	}
	return true
}

func isYAML(p string) bool { return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") }

func cleanFSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readDocs parses one file into its YAML documents, or records why it cannot. The nodes may come from
// a, and are good until a is reset.
func (r *reader) readDocs(file string, c *errs, a *arena) []*yaml.Node {
	b, ok := r.read(file, c)
	if !ok {
		return nil
	}
	if bytes.IndexByte(b, 0) >= 0 {
		c.add(network.Pos{File: file, Line: 1, Col: 1}, "remove it or rename it so it does not end in .yaml",
			"not a text file")
		return nil
	}
	if !utf8Text(b, file, c) || !r.shallow(b, file, c) {
		return nil
	}
	return r.parse(b, file, c, a)
}

// parse parses a file's documents: with fastParse when it can, else with yaml.v3.
func (r *reader) parse(b []byte, file string, c *errs, a *arena) []*yaml.Node {
	if docs, ok := fastParse(string(b), a, r.limits.Depth); ok {
		return docs
	}
	a.reset()
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		if r.ctx.Err() != nil {
			c.add(network.Pos{File: file}, "", "stopped reading: %s", r.ctx.Err())
			return docs
		}
		if len(docs) >= r.limits.Documents {
			c.add(network.Pos{File: file}, raise(EnvDocuments, int64(r.limits.Documents)), "more than %d YAML documents", r.limits.Documents)
			return docs
		}
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return docs
		}
		if err != nil {
			line, msg := yamlError(err)
			c.add(network.Pos{File: file, Line: line, Col: 1}, "fix the YAML syntax", "%s", msg)
			return docs
		}
		if len(n.Content) > 0 {
			docs = append(docs, n.Content[0])
		}
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError splits a yaml.v3 syntax error into its line and its message.
func yamlError(err error) (int, string) {
	msg := err.Error()
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return 1, strings.TrimPrefix(msg, "yaml: ")
	}
	line, _ := strconv.Atoi(m[1])
	return line, "invalid YAML: " + msg[len(m[0]):]
}

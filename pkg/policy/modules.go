package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/policies"
)

// Dir is the folder of a network repo that holds the repo's own policies: Rego v1 modules, their
// _test.rego tests, and data files (.json, .yaml) that the policies read under data. A data file's
// folder, below Dir, is its path in data: policies/limits.yaml is merged at the root of data,
// policies/sites/cabin.json under data.sites.
const Dir = "policies"

// builtinPrefix names the built-in modules in findings and errors.
const builtinPrefix = "builtin/"

// reserved is the package root of the built-in policies, which the repo's policies may not use.
const reserved = "netops"

// modules are the parsed policies of one check or test run.
type modules struct {
	policies map[string]*ast.Module // by file name
	tests    map[string]*ast.Module
	data     map[string]any
}

// readModules reads the built-in policies, with their tests when builtinTests is set, and the repo's
// own policies, tests and data when repo is not nil.
func readModules(repo fs.FS, builtinTests bool) (*modules, error) {
	m := &modules{policies: map[string]*ast.Module{}, tests: map[string]*ast.Module{}, data: map[string]any{}}
	var errs Errors
	errs = append(errs, m.readBuiltins(builtinTests)...)
	if repo != nil {
		errs = append(errs, m.readRepo(repo)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return m, nil
}

// readBuiltins parses the built-in modules, on every CPU: parsing them is much of what a check of a
// small plan costs.
func (m *modules) readBuiltins(tests bool) Errors {
	entries, _ := fs.ReadDir(policies.FS, ".")
	entries = slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return !tests && strings.HasSuffix(e.Name(), "_test.rego") })
	parsed := make([]parsedModule, len(entries))
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Go(func() {
			name := builtinPrefix + e.Name()
			b, err := fs.ReadFile(policies.FS, e.Name())
			if err != nil {
				parsed[i] = parsedModule{name: name, errs: Errors{{Pos: network.Pos{File: name}, Msg: err.Error()}}}
				return
			}
			parsed[i] = parse(name, b)
		})
	}
	wg.Wait()
	var errs Errors
	for _, p := range parsed {
		errs = append(errs, m.file(p)...)
	}
	return errs
}

func (m *modules) readRepo(repo fs.FS) Errors {
	if _, err := fs.Stat(repo, Dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var errs Errors
	err := fs.WalkDir(repo, Dir, func(p string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			errs = append(errs, &Error{Pos: network.Pos{File: p}, Msg: cleanPathError(err)})
		case e.IsDir() && strings.HasPrefix(e.Name(), ".") && p != Dir:
			return fs.SkipDir
		case e.IsDir():
		case strings.HasSuffix(p, ".rego"):
			errs = append(errs, m.readRepoModule(repo, p)...)
		case strings.HasSuffix(p, ".json"), strings.HasSuffix(p, ".yaml"), strings.HasSuffix(p, ".yml"):
			errs = append(errs, m.readData(repo, p)...)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, &Error{Pos: network.Pos{File: Dir}, Msg: cleanPathError(err)})
	}
	return errs
}

func cleanPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (m *modules) readRepoModule(repo fs.FS, p string) Errors {
	b, err := fs.ReadFile(repo, p)
	if err != nil {
		return Errors{{Pos: network.Pos{File: p}, Msg: cleanPathError(err)}}
	}
	errs := m.add(p, b)
	mod := m.policies[p]
	if mod == nil {
		mod = m.tests[p]
	}
	if mod != nil && mod.Package.Path.HasPrefix(ast.MustParseRef("data."+reserved)) {
		errs = append(errs, &Error{Pos: location(mod.Package.Location),
			Msg: "package " + strings.TrimPrefix(mod.Package.Path.String(), "data.") + " is reserved for netops's built-in policies; use another package name"})
	}
	return errs
}

// add parses a module and files it as a policy or, named *_test.rego, as a test.
func (m *modules) add(name string, src []byte) Errors { return m.file(parse(name, src)) }

// parsedModule is a module as parsed, or why it did not parse.
type parsedModule struct {
	name string
	mod  *ast.Module
	errs Errors
}

func parse(name string, src []byte) parsedModule {
	mod, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err == nil {
		return parsedModule{name: name, mod: mod}
	}
	if es, ok := opaErrors(err).(Errors); ok {
		return parsedModule{name: name, errs: es}
	}
	return parsedModule{name: name, errs: Errors{{Pos: network.Pos{File: name}, Msg: err.Error()}}}
}

// file files a parsed module as a policy or, named *_test.rego, as a test.
func (m *modules) file(p parsedModule) Errors {
	switch {
	case p.mod == nil:
		return p.errs
	case strings.HasSuffix(p.name, "_test.rego"):
		m.tests[p.name] = p.mod
	default:
		m.policies[p.name] = p.mod
	}
	return nil
}

// readData merges a data file into data, at the path its folder names.
func (m *modules) readData(repo fs.FS, p string) Errors {
	b, err := fs.ReadFile(repo, p)
	if err != nil {
		return Errors{{Pos: network.Pos{File: p}, Msg: cleanPathError(err)}}
	}
	v, err := decodeData(p, b)
	if err != nil {
		return Errors{{Pos: network.Pos{File: p, Line: 1}, Msg: err.Error()}}
	}
	dir := strings.TrimPrefix(path.Dir(p), Dir)
	var keys []string
	if dir != "" {
		keys = strings.Split(strings.TrimPrefix(dir, "/"), "/")
	}
	if err := merge(m.data, keys, v); err != "" {
		return Errors{{Pos: network.Pos{File: p, Line: 1}, Msg: err}}
	}
	return nil
}

func decodeData(p string, b []byte) (any, error) {
	var v any
	if strings.HasSuffix(p, ".json") {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		return v, dec.Decode(&v)
	}
	return v, yaml.Unmarshal(b, &v)
}

// merge puts v at keys in data; an object merges with what is there, key by key.
func merge(data map[string]any, keys []string, v any) string {
	for _, k := range keys {
		next, ok := data[k].(map[string]any)
		if !ok {
			if _, taken := data[k]; taken {
				return "data." + k + " is already set by another file"
			}
			next = map[string]any{}
			data[k] = next
		}
		data = next
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return "a data file holds an object of keys and values"
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if _, taken := data[k]; taken {
			return "key " + k + " is already set by another data file"
		}
		data[k] = obj[k]
	}
	return ""
}

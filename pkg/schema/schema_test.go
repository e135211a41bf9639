package schema_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/schema"
)

var update = flag.Bool("update", false, "rewrite docs/schema/netops.schema.json, docs/reference.md and the golden files")

const committed = "../../docs/schema/netops.schema.json"

// syncHint is what to run when a committed copy no longer matches the model.
const syncHint = "the model's types changed: run `go test ./pkg/schema -update` and commit the result"

func TestSchemaInSync(t *testing.T) {
	golden(t, committed, schema.JSON())
}

// golden compares got with the file at path, or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; %s", err, syncHint)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from what the model gives; %s", path, syncHint)
	}
}

// TestEveryFieldDescribed keeps the reference complete: a field added to the model needs its text.
func TestEveryFieldDescribed(t *testing.T) {
	for _, kind := range schema.Kinds() {
		schema.Walk(schema.Kind(kind), func(f *schema.Field) {
			if f.Info.Doc == "" {
				t.Errorf("%s has no description: add it to the fields table in pkg/schema/fields.go", f.Path)
			}
		})
	}
}

// TestEveryEnumListed keeps the schema's enums complete: a field of a new enum type needs its values.
func TestEveryEnumListed(t *testing.T) {
	for _, f := range schema.Unlisted() {
		t.Errorf("%s takes only some strings: add its list of values to enums in pkg/schema/tree.go", f)
	}
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.JSON()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schema.ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(schema.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// documents decodes a YAML stream into JSON values, as an editor's YAML language server reads it:
// dates and other tags that JSON lacks stay strings.
func documents(t *testing.T, name string, data []byte) []any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("%s: %v", name, err)
			}
			return out
		}
		out = append(out, jsonValue(n.Content[0]))
	}
}

func jsonValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = jsonValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, jsonValue(c))
		}
		return l
	case yaml.AliasNode:
		return jsonValue(n.Alias)
	}
	switch n.ShortTag() {
	case "!!int", "!!float", "!!bool", "!!null":
		var v any
		_ = n.Decode(&v) // the tag says it decodes
		return v
	}
	return n.Value
}

// planFiles are the plan documents the repo ships: the examples and the scripts' repos.
func planFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir("../../examples", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	scripts, _ := filepath.Glob("../cli/testdata/script/*.txtar")
	for _, s := range scripts {
		a, err := txtar.ParseFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, ".yaml") && bytes.Contains(f.Data, []byte("apiVersion: netops.dev/")) {
				files[s+":"+f.Name] = f.Data
			}
		}
	}
	if len(files) < 7 {
		t.Fatalf("found only %d plan files", len(files))
	}
	return files
}

func TestSchemaValidatesShippedFiles(t *testing.T) {
	s := compile(t)
	for name, data := range planFiles(t) {
		for i, doc := range documents(t, name, data) {
			if err := s.Validate(doc); err != nil {
				t.Errorf("%s, document %d: %v", name, i+1, err)
			}
		}
	}
}

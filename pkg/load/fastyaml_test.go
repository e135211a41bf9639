package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/policy/synth"
)

// yamlV3 parses src as parse does without the fast path.
func yamlV3(src string) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(src))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(n.Content) > 0 {
			docs = append(docs, n.Content[0])
		}
	}
}

// diffNodes describes the first difference between two node trees in what the loader reads of them.
func diffNodes(want, got *yaml.Node, at string) string {
	type view struct {
		Kind         yaml.Kind
		Style        yaml.Style
		Tag, Value   string
		Line, Column int
		Anchor       string
		Alias        bool
		Children     int
	}
	of := func(n *yaml.Node) view {
		return view{n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, n.Anchor, n.Alias != nil, len(n.Content)}
	}
	if w, g := of(want), of(got); w != g {
		return fmt.Sprintf("%s: yaml.v3 has %+v, the fast parser %+v", at, w, g)
	}
	for i := range want.Content {
		if d := diffNodes(want.Content[i], got.Content[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkSame fails when fastParse reads src and its nodes differ from yaml.v3's. It reports whether
// fastParse read src.
func checkSame(t *testing.T, name, src string) bool {
	t.Helper()
	got, ok := fastParse(src, &arena{}, DefaultDepth)
	if !ok {
		return false
	}
	want, err := yamlV3(src)
	if err != nil {
		t.Fatalf("%s: the fast parser read YAML that yaml.v3 rejects (%v):\n%s", name, err, src)
	}
	if len(want) != len(got) {
		t.Fatalf("%s: yaml.v3 reads %d documents, the fast parser %d:\n%s", name, len(want), len(got), src)
	}
	for i := range want {
		if d := diffNodes(want[i], got[i], fmt.Sprintf("doc %d", i)); d != "" {
			t.Fatalf("%s: %s\n%s", name, d, src)
		}
	}
	return true
}

// repoFiles reads the example and a small synthetic repo: the YAML the fast path is for.
func repoFiles(t testing.TB) map[string]string {
	files := map[string]string{}
	root := os.DirFS("../../examples/homelab")
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isYAML(p) {
			return err
		}
		b, err := fs.ReadFile(root, p)
		files["homelab/"+p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := synth.Repo(3)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range s {
		files["synth/"+name] = string(f.Data)
	}
	return files
}

func TestFastParseReadsRepos(t *testing.T) {
	for name, src := range repoFiles(t) {
		if !checkSame(t, name, src) {
			t.Errorf("%s: the fast parser left it to yaml.v3", name)
		}
	}
}

// snippets are YAML the fast parser must either read as yaml.v3 does, or leave to it.
var snippets = []string{
	"a: b\n",
	"a: b",
	"---\na: b\n",
	"--- # first\na: b\n---\nc: d\n",
	"a: b\n---\n",
	"a: b\n...\n",
	"a: b\n---x: 1\n",
	"# only a comment\n",
	"",
	"\n\n",
	"a: b # comment\nc: 'd' # comment\ne: \"f\"#x\n",
	"a: 'it''s'\nb: ''\nc: \"\"\n",
	"a: \"x\\ny\"\n",
	"a: b\n  c\n",
	"a: b\n\n  c\n",
	"a:\n  b: c\n  d: [e, f]\n  g: {h: i, j: [k]}\n",
	"a:\n- b\n- c\nd: e\n",
	"a:\n  - b\n  - c\nd: e\n",
	"a:\n  - b: c\n    d: e\n  - f: g\n",
	"a:\n  - b: c\n    d:\n    - e\n    - f\n  - g\n",
	"a:\n  -\n    b: c\n",
	"a:\n  -\n",
	"a:\n  - - b\n",
	"a:\n  - b\n  c: d\n",
	"a:\nb: c\n",
	"a:",
	"a: [b, c,]\n",
	"a: [b, c\n",
	"a: [b, c]x\n",
	"a: {b: c, d}\n",
	"a: {b: c:d}\n",
	"a: {b:c}\n",
	"a: {b: }\n",
	"a: {}\nb: []\n",
	"a: [[b], {c: d}, 'e', \"f\", -1, +2, .5, 0x1F, 1e3, true, null, ~, y, n, yes, off]\n",
	"a: 1\nb: -2\nc: 3.5\nd: true\ne: null\nf: ~\ng: 2026-01-01\nh: 10.0.0.1\ni: 10.0.0.0/24\nj: 1_000\nk: .inf\nl: 0o17\n",
	"a: <<\n",
	"<<: {a: b}\n",
	"a: &x b\nc: *x\n",
	"a: !!str 1\n",
	"a: |\n  b\n",
	"a: >\n  b\n",
	"a: b: c\n",
	"a: - b\n",
	"? a\n: b\n",
	"a : b\n",
	"a  : b\n",
	"a:b\n",
	"a:b: c\n",
	"http://x: y\n",
	"a: http://x:80/y\n",
	"a: docker.io/traefik:v3.6.2\n",
	"a: b #c d\n",
	"a: b#c\n",
	"a[1]: b\n",
	"a: b\n\tc: d\n",
	"a: b\r\nc: d\r\n",
	"\ufeffa: b\n",
	"a: caf\u00e9\nb: {c: \u00e9t\u00e9, d: x}\n",
	"d\u00e9j\u00e0: {c: [\u00e9, \u00e8]}\n",
	"a: b\u0085c\n",
	"a: b\u2028c\n",
	"a: \x7f\n",
	"a: \xff\n",
	"  a: b\n  c: d\n",
	"a:\n    b: c\n  d: e\n",
	"a:\n  b: c\n   d: e\n",
	"- a\n- b\n",
	"just some notes\n",
	"[a, b]\n",
	"a: b\nkind: Site\n  # indented comment\nc: d\n",
	"a:\n  # comment\n  b: c\n# comment\nd: e\n",
	"a: 'b\n  c'\n",
	"a: \"b\n  c\"\n",
	"a: -\n",
	"a: ?\n",
	"a: :b\n",
	"a: -b\n",
	"a: ?b\n",
	"a: [-b, ?c]\n",
	"a: [- b]\n",
	"a: [b #c\n  ]\n",
	"-a: b\n",
	"a: b\n- c\n",
	"a:\n  - b\n - c\n",
	"a: {b: [c, {d: e}]} # done\n",
	"a: [b, c] # done\n",
	"a: [ b ,  c ]\n",
	"a: { b: c }\n",
	"a: {b: c , d: e}\n",
	"a: [,]\n",
	"a: [b,,c]\n",
	"a: 'b' c\n",
	"a: 'b'c\n",
	"a: \"b\" # c\n",
	"a: %b\n",
	"a: @b\n",
	"a: `b\n",
	"a: b\n---\n---\nc: d\n",
	"a: b\n--- \nc: d\n",
	"a: b\n---\n  c: d\n",
	"a: 1\na: 2\n",
	"a: true\nb: True\nc: TRUE\nd: False\ne: Null\nf: NULL\n",
	"a: 0b101\nb: 0777\nc: -0\nd: +.5\ne: 1.\nf: 12:30\ng: 2026-01-01T10:00:00Z\nh: 2026-1-1\n",
}

func TestFastParseSnippets(t *testing.T) {
	for i, src := range snippets {
		checkSame(t, fmt.Sprintf("snippet %d", i), src)
	}
}

// FuzzFastParse holds the fast parser to yaml.v3: whatever it reads, yaml.v3 reads the same way.
func FuzzFastParse(f *testing.F) {
	for _, src := range repoFiles(f) {
		f.Add(src)
	}
	for _, src := range snippets {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkSame(t, "input", src)
	})
}

// TestParseFallsBack checks that what the fast parser leaves alone still loads, with yaml.v3's errors.
func TestParseFallsBack(t *testing.T) {
	var c errs
	docs := (&reader{ctx: context.Background(), limits: LimitsFromEnv()}).parse([]byte("a: |\n  b\nc: [d\n"), "x.yaml", &c, &arena{})
	if len(docs) != 0 || len(c.list) != 1 || !strings.Contains(c.list[0].Error(), "x.yaml:") {
		t.Errorf("got %d documents and errors %v; want yaml.v3's syntax error", len(docs), c.list)
	}
	var pe *Error
	if len(c.list) > 0 && !errors.As(c.list[0], &pe) {
		t.Errorf("error %T is not a *load.Error", c.list[0])
	}
}

// TestArenaReuse checks that a reset arena hands out fresh nodes that do not keep old children.
func TestArenaReuse(t *testing.T) {
	a := &arena{}
	big := strings.Repeat("x: [a, b, c]\n", 3000) // more nodes than a chunk holds
	first, ok := fastParse(big, a, DefaultDepth)
	if !ok {
		t.Fatal("fast parser gave up")
	}
	want, _ := yamlV3(big)
	if d := diffNodes(want[0], first[0], "doc"); d != "" {
		t.Fatal(d)
	}
	a.reset()
	second, _ := fastParse("y: z\n", a, DefaultDepth)
	if len(second[0].Content) != 2 || second[0].Content[0].Value != "y" || second[0].Content[1].Value != "z" {
		t.Errorf("reused arena gave %+v", second[0])
	}
}

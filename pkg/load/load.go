package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io/fs"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/network"
)

// Load reads every plan document of the repo in fsys and resolves the plan. When the repo has problems
// it returns them all as Errors, sorted by position; the plan is then nil. Files are parsed in
// parallel; fsys must be safe for concurrent use, as os.DirFS, fstest.MapFS and pkg/source's are.
// The limits come from LimitsFromEnv.
func Load(fsys fs.FS) (*network.Plan, error) {
	return LoadContext(context.Background(), fsys, LimitsFromEnv())
}

// LoadContext is Load within limits, stopping with an error when ctx is done.
func LoadContext(ctx context.Context, fsys fs.FS, limits Limits) (*network.Plan, error) {
	c := &errs{}
	l := &loader{plan: &network.Plan{}, errs: c}
	files := planFiles(fsys, c)
	r := &reader{ctx: ctx, fsys: fsys, limits: limits}
	docs := 0
	for _, f := range parseAll(r, files) {
		c.list = append(c.list, f.errs.list...)
		docs += len(f.docs)
		for _, d := range f.docs {
			l.add(d)
		}
	}
	if docs > limits.Documents {
		c.add(network.Pos{File: "."}, raise(EnvDocuments, int64(limits.Documents)), "more than %d YAML documents in the repo", limits.Documents)
	}
	if ctx.Err() != nil {
		stopped(ctx, c)
		return nil, c.list
	}
	if len(files) == 0 && len(c.list) == 0 {
		c.add(network.Pos{File: "."}, "add netops.yaml with apiVersion: "+network.APIVersion+" and kind: Network",
			"no plan files: the repo holds no .yaml file outside %s", strings.Join(Reserved, "/, ")+"/")
	}
	if len(c.list) == 0 {
		resolve(l.plan, c)
	}
	if len(c.list) > 0 {
		sortErrors(c.list)
		return nil, c.list
	}
	return l.plan, nil
}

// parsedFile is one file's documents, decoded, and the problems found in it.
type parsedFile struct {
	docs []parsedDoc
	errs errs
}

// parsedDoc is one decoded document: a pointer to a model struct of its kind.
type parsedDoc struct {
	value any
	doc   network.Document
}

// parseAll parses and decodes files on every CPU, keeping their order.
func parseAll(r *reader, files []string) []parsedFile {
	out := make([]parsedFile, len(files))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			if r.ctx.Err() == nil {
				out[i] = r.parseFile(f)
			}
		})
	}
	wg.Wait()
	return out
}

func (r *reader) parseFile(file string) parsedFile {
	a := arenas.Get().(*arena)
	defer func() {
		a.reset()
		arenas.Put(a)
	}()
	var p parsedFile
	for _, n := range r.readDocs(file, &p.errs, a) {
		if r.ctx.Err() != nil {
			return p
		}
		if d, ok := document(file, n, &p.errs); ok {
			p.docs = append(p.docs, d)
		}
	}
	return p
}

func sortErrors(list Errors) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].Pos, list[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

type loader struct {
	plan *network.Plan
	errs *errs
}

// networkDoc is the repo's one Network document.
type networkDoc struct {
	Pos         network.Pos        `yaml:"-"`
	Name        string             `yaml:"name"`
	Description string             `yaml:"description"`
	Components  network.Components `yaml:"components"`
}

var kinds = []string{"Network", "Cluster", "Site", "Tenant", "VPN", "Service", "Exception"}

// document decodes one YAML document into the model struct of its kind.
func document(file string, n *yaml.Node, c *errs) (parsedDoc, bool) {
	d := &decoder{file: file, errs: c}
	if !d.isMapping(n) {
		return parsedDoc{}, false
	}
	kind, ok := d.header(n)
	if !ok {
		return parsedDoc{}, false
	}
	v := newOfKind(kind)
	d.structure(n, reflect.ValueOf(v).Elem(), map[string]bool{"apiVersion": true, "kind": true})
	return parsedDoc{value: v, doc: network.Document{Kind: kind, Name: nameOf(v), Pos: d.pos(n), Digest: digest(n)}}, true
}

// header checks a document's apiVersion and returns its kind.
func (d *decoder) header(n *yaml.Node) (string, bool) {
	api, kind := field(n, "apiVersion"), field(n, "kind")
	switch {
	case api == nil:
		d.errs.add(d.pos(n), "add apiVersion: "+network.APIVersion, "missing apiVersion")
	case api.Value != network.APIVersion:
		d.errs.add(d.pos(api), "this netops reads "+network.APIVersion, "unsupported apiVersion %q", api.Value)
	case kind == nil:
		d.errs.add(d.pos(n), "add kind: one of "+strings.Join(kinds, ", "), "missing kind")
	case !contains(kinds, kind.Value):
		d.errs.add(d.pos(kind), "use one of "+strings.Join(kinds, ", "), "unknown kind %q", kind.Value)
	default:
		return kind.Value, true
	}
	return "", false
}

func field(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newOfKind(kind string) any {
	switch kind {
	case "Network":
		return &networkDoc{}
	case "Cluster":
		return &network.Cluster{}
	case "Site":
		return &network.Site{}
	case "Tenant":
		return &network.Tenant{}
	case "VPN":
		return &network.VPN{}
	case "Service":
		return &network.Service{}
	}
	return &network.Exception{}
}

// add puts a decoded document into the plan.
func (l *loader) add(d parsedDoc) {
	p := l.plan
	switch v := d.value.(type) {
	case *networkDoc:
		if !l.networkDoc(d.doc.Pos, v) {
			return
		}
	case *network.Cluster:
		p.Clusters = append(p.Clusters, v)
	case *network.Site:
		p.Sites = append(p.Sites, v)
	case *network.Tenant:
		p.Tenants = append(p.Tenants, v)
	case *network.VPN:
		p.VPNs = append(p.VPNs, v)
	case *network.Service:
		p.Services = append(p.Services, v)
	case *network.Exception:
		p.Exceptions = append(p.Exceptions, v)
	}
	p.Documents = append(p.Documents, d.doc)
}

func (l *loader) networkDoc(pos network.Pos, doc *networkDoc) bool {
	if l.plan.Pos.File != "" {
		l.errs.add(pos, "keep one Network document in netops.yaml", "a second Network document (the first is at %s)", l.plan.Pos)
		return false
	}
	p := l.plan
	p.Pos, p.Name, p.Description, p.Components = pos, doc.Name, doc.Description, doc.Components
	return true
}

func nameOf(v any) string {
	switch e := v.(type) {
	case *network.Exception:
		return e.Rule + ":" + e.Entity
	case *network.Service:
		return e.Namespace + "/" + e.Name
	}
	f := reflect.ValueOf(v).Elem().FieldByName("Name")
	if !f.IsValid() {
		return ""
	}
	return f.String()
}

// digest hashes a node's kinds, tags and values, leaving out positions and comments.
func digest(n *yaml.Node) string {
	g := digester{h: sha256.New(), buf: make([]byte, 0, 8<<10)}
	g.add(n)
	g.h.Write(g.buf)
	return hex.EncodeToString(g.h.Sum(nil))
}

// digester feeds the hash through a buffer: for each node its kind, its tag and value each ended by a
// zero byte, its children, and 0xff.
type digester struct {
	h   hash.Hash
	buf []byte
}

func (g *digester) add(n *yaml.Node) {
	if len(g.buf) > 7<<10 {
		g.h.Write(g.buf)
		g.buf = g.buf[:0]
	}
	g.buf = append(g.buf, byte(n.Kind))
	g.buf = append(append(g.buf, n.ShortTag()...), 0)
	g.buf = append(append(g.buf, n.Value...), 0)
	for _, c := range n.Content {
		g.add(c)
	}
	g.buf = append(g.buf, 0xff)
}

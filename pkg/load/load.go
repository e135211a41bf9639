package load

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/network"
)

// Load reads every plan document of the repo in fsys and resolves the plan. When the repo has problems
// it returns them all as Errors, sorted by position; the plan is then nil.
func Load(fsys fs.FS) (*network.Plan, error) {
	c := &errs{}
	l := &loader{plan: &network.Plan{}, errs: c}
	files := planFiles(fsys, c)
	for _, f := range files {
		for _, doc := range readDocs(fsys, f, c) {
			l.document(f, doc)
		}
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
	seen bool // whether a Network document was read
}

// networkDoc is the repo's one Network document.
type networkDoc struct {
	Pos         network.Pos        `yaml:"-"`
	Name        string             `yaml:"name"`
	Description string             `yaml:"description"`
	Components  network.Components `yaml:"components"`
}

var kinds = []string{"Network", "Cluster", "Site", "Tenant", "VPN", "Service", "Exception"}

func (l *loader) document(file string, n *yaml.Node) {
	d := &decoder{file: file, errs: l.errs}
	if !d.isMapping(n) {
		return
	}
	kind, ok := d.header(n)
	if !ok {
		return
	}
	v := l.target(kind, d.pos(n))
	if v == nil {
		return
	}
	d.structure(n, reflect.ValueOf(v).Elem(), map[string]bool{"apiVersion": true, "kind": true})
	if doc, ok := v.(*networkDoc); ok {
		l.plan.Name, l.plan.Description, l.plan.Components = doc.Name, doc.Description, doc.Components
	}
	l.plan.Documents = append(l.plan.Documents, network.Document{
		Kind: kind, Name: nameOf(v), Pos: d.pos(n), Digest: digest(n),
	})
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

// target makes the value a document of this kind decodes into, and adds it to the plan.
func (l *loader) target(kind string, pos network.Pos) any {
	p := l.plan
	switch kind {
	case "Network":
		return l.networkDoc(pos)
	case "Cluster":
		return add(&p.Clusters)
	case "Site":
		return add(&p.Sites)
	case "Tenant":
		return add(&p.Tenants)
	case "VPN":
		return add(&p.VPNs)
	case "Service":
		return add(&p.Services)
	}
	return add(&p.Exceptions)
}

func add[T any](list *[]*T) *T {
	v := new(T)
	*list = append(*list, v)
	return v
}

func (l *loader) networkDoc(pos network.Pos) any {
	if l.seen {
		l.errs.add(pos, "keep one Network document in netops.yaml", "a second Network document (the first is at %s)", l.plan.Pos)
		return nil
	}
	l.seen = true
	l.plan.Pos = pos
	return &networkDoc{}
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
	h := sha256.New()
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		h.Write([]byte{byte(n.Kind)})
		h.Write([]byte(n.ShortTag() + "\x00" + n.Value + "\x00"))
		for _, c := range n.Content {
			walk(c)
		}
		h.Write([]byte{0xff})
	}
	walk(n)
	return hex.EncodeToString(h.Sum(nil))
}

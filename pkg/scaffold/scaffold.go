package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/template"

	"github.com/netops/netops/pkg/schema"
)

//go:embed templates
var templates embed.FS

// MaxSites is the most sites Write lays out: each takes its own 192.168.x.0/24 ranges.
const MaxSites = 20

// Options say what the new repo holds.
type Options struct {
	Name  string // the plan's name; default "my-network"
	Sites int    // how many sites, from 1 to MaxSites
}

// site is what a site's template reads.
type site struct {
	Name    string
	N       int // 1, 2, …: picks the site's address block
	First   bool
	LAN     string // the third octet of its LAN, 192.168.LAN.0/24
	Service string // the third octet of its load-balancer network
}

type data struct {
	Name   string
	Sites  []site
	Schema string // the modeline's path to netops.schema.json from the top of the repo
}

// Write lays out a new network repo in dir, which must be empty or not exist yet. It returns the
// files it wrote, relative to dir.
func Write(dir string, o Options) ([]string, error) {
	if o.Name == "" {
		o.Name = "my-network"
	}
	if o.Sites < 1 || o.Sites > MaxSites {
		return nil, fmt.Errorf("--sites %d: lay out from 1 to %d sites", o.Sites, MaxSites)
	}
	if err := mustBeEmpty(dir); err != nil {
		return nil, err
	}
	files, err := render(o)
	if err != nil {
		return nil, err
	}
	return writeAll(dir, files)
}

func mustBeEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty (it holds %s): init writes a new repo; name an empty or new folder", dir, entries[0].Name())
	}
	return nil
}

// file is one file of the new repo.
type file struct {
	path string
	data []byte
}

func render(o Options) ([]file, error) {
	d := data{Name: o.Name}
	for i := 1; i <= o.Sites; i++ {
		d.Sites = append(d.Sites, site{Name: fmt.Sprintf("site-%d", i), N: i, First: i == 1,
			LAN: fmt.Sprint(10 * i), Service: fmt.Sprint(10*i + 1)})
	}
	t, err := template.ParseFS(templates, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	out := []file{{"netops.schema.json", schema.JSON()}}
	for _, name := range []string{"netops.yaml", "cluster.yaml", "tenants.yaml", "services.yaml", "README.md"} {
		b, err := execute(t, name, d, "netops.schema.json")
		if err != nil {
			return nil, err
		}
		out = append(out, file{name, b})
	}
	for _, s := range d.Sites {
		b, err := execute(t, "site.yaml", struct {
			data
			Site site
		}{d, s}, "../netops.schema.json")
		if err != nil {
			return nil, err
		}
		out = append(out, file{"sites/" + s.Name + ".yaml", b})
	}
	return out, nil
}

func execute(t *template.Template, name string, d any, schemaPath string) ([]byte, error) {
	var b bytes.Buffer
	if filepath.Ext(name) == ".yaml" {
		b.WriteString("# yaml-language-server: $schema=" + schemaPath + "\n")
	}
	if err := t.ExecuteTemplate(&b, name+".tmpl", d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeAll(dir string, files []file) ([]string, error) {
	var names []string
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return names, err
		}
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return names, err
		}
		names = append(names, f.path)
	}
	return names, nil
}

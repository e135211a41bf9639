package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/netops/netops/manifests"
	"github.com/netops/netops/pkg/network"
)

// charts loads each component's chart once per render: the plan's override, or the built-in one.
type charts struct {
	opts   *options
	cache  cache
	loaded map[string]*loadedChart
}

// loadedChart is a chart with its CRDs read, and the scope of each kind they define.
type loadedChart struct {
	chart  *chart.Chart
	crds   []*unstructured.Unstructured
	scopes map[schema.GroupKind]bool // whether objects of the kind are namespaced
}

func newCharts(o *options) *charts {
	return &charts{opts: o, cache: cache{dir: o.cacheDir}, loaded: map[string]*loadedChart{}}
}

// builtin holds netops's own charts, each loaded once per process: they never change, and rendering
// only reads a chart that has no dependencies.
var builtin = map[string]func() (*loadedChart, error){
	"metallb": sync.OnceValues(func() (*loadedChart, error) { return readChart(loadChartDir(manifests.FS, "charts/metallb")) }),
	"traefik": sync.OnceValues(func() (*loadedChart, error) { return readChart(loadChartDir(manifests.FS, "charts/traefik")) }),
}

// get returns the chart of the component with this name.
func (c *charts) get(name string, comp network.Component) (*loadedChart, error) {
	if lc, ok := c.loaded[name]; ok {
		return lc, nil
	}
	var lc *loadedChart
	var err error
	if comp.Chart == nil {
		lc, err = builtin[name]()
	} else {
		lc, err = readChart(c.load(comp.Chart))
	}
	if err != nil {
		return nil, &ComponentError{Component: name, Pos: chartPos(comp), Err: err}
	}
	c.loaded[name] = lc
	return lc, nil
}

// readChart reads the CRDs of a chart that loaded.
func readChart(ch *chart.Chart, err error) (*loadedChart, error) {
	if err != nil {
		return nil, err
	}
	crds, err := chartCRDs(ch)
	if err != nil {
		return nil, err
	}
	return &loadedChart{chart: ch, crds: crds, scopes: crdScopes(crds)}, nil
}

// load loads a chart that the plan names.
func (c *charts) load(ch *network.Chart) (*chart.Chart, error) {
	switch {
	case ch.Path != "":
		return c.local(ch.Path)
	case ch.Repo != "":
		return c.remote(ch)
	}
	return nil, errors.New("chart: needs repo:, name:, version: and digest:, or path:")
}

// local loads a chart folder of the network repo.
func (c *charts) local(dir string) (*chart.Chart, error) {
	dir = path.Clean(dir)
	if !fs.ValidPath(dir) || dir == "." {
		return nil, fmt.Errorf("chart path %q: give a folder inside the network repo, such as charts/traefik", dir)
	}
	if c.opts.repo == nil {
		return nil, fmt.Errorf("chart path %q: the network repo's files were not given", dir)
	}
	return loadChartDir(c.opts.repo, dir)
}

// loadChartDir loads the chart in folder dir of fsys.
func loadChartDir(fsys fs.FS, dir string) (*chart.Chart, error) {
	var files []*loader.BufferedFile
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(p, dir+"/"), Data: data})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading chart %s: %w", dir, err)
	}
	ch, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("loading chart %s: %w", dir, err)
	}
	return ch, nil
}

// chartPos is where the plan sets a component's chart, or the component, or nothing.
func chartPos(comp network.Component) network.Pos {
	if comp.Chart != nil && comp.Chart.Pos.File != "" {
		return comp.Chart.Pos
	}
	return comp.Pos
}

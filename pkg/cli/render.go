package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/render"
	"github.com/netops/netops/pkg/source"
)

// envCache names the folder where netops keeps downloaded charts; it defaults to the user's cache folder.
const envCache = "NETOPS_CACHE"

// renderFlags are the flags of netops render.
type renderFlags struct {
	repoFlags
	site    string
	output  string
	out     string
	offline bool
}

func newRenderCmd(s Streams) *cobra.Command {
	var flags renderFlags
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Render the Kubernetes objects of each target: one per cluster for its shared components, one per site",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return flags.run(cmd.Context(), s) },
	}
	flags.bind(cmd)
	cmd.Flags().StringVar(&flags.site, "site", "", "render one target only: a site, or a cluster for its shared components")
	cmd.Flags().StringVarP(&flags.output, "output", "o", "yaml", "output format: yaml or json")
	cmd.Flags().StringVar(&flags.out, "out", "", "write one file per target into this folder instead of to stdout")
	cmd.Flags().BoolVar(&flags.offline, "offline", false, "use only the chart cache and the repo's own charts")
	return cmd
}

func (f *renderFlags) run(ctx context.Context, s Streams) error {
	if f.output != "yaml" && f.output != "json" {
		return fmt.Errorf("unknown output format %q; use yaml or json", f.output)
	}
	res, rev, err := renderRepo(ctx, f.repo, f.rev, f.offline)
	if err != nil {
		return err
	}
	targets, err := selectTargets(res, f.site)
	if err != nil {
		return err
	}
	warn(s.Err, targets)
	r := rendered{FormatVersion: FormatVersion, Repo: source.Redact(f.repo), Revision: revisionOf(rev), Targets: targetsJSON(targets)}
	if f.out != "" {
		if err := r.writeFiles(s.Out, f.out, f.output); err != nil || f.site != "" {
			return err
		}
		return r.removeStale(s.Out, f.out, f.output)
	}
	return r.write(s.Out, f.output)
}

// renderRepo loads the plan of the repo at rev and renders it, with the repo open for its charts and overlays.
func renderRepo(ctx context.Context, location, rev string, offline bool) (*render.Result, source.Revision, error) {
	repo, err := openRepo(ctx, location)
	if err != nil {
		return nil, source.Revision{}, err
	}
	defer repo.Close()
	l, err := readPlan(ctx, repo, rev)
	if err != nil {
		return nil, source.Revision{}, err
	}
	res, err := renderLoaded(ctx, l, offline)
	return res, l.Rev, err
}

// renderLoaded renders a loaded plan with its repo's charts and overlays and the chart cache; offline
// uses only the cache and the repo's own charts.
func renderLoaded(ctx context.Context, l loaded, offline bool) (*render.Result, error) {
	return render.Render(ctx, l.Plan, render.WithRepo(l.FS), render.WithCacheDir(chartCache()), render.WithOffline(offline))
}

// chartCache is the folder of downloaded charts: $NETOPS_CACHE/charts, or netops/charts in the user's cache.
func chartCache() string {
	dir := os.Getenv(envCache)
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "netops")
	}
	return filepath.Join(dir, "charts")
}

func selectTargets(res *render.Result, name string) ([]*render.Target, error) {
	if name == "" {
		return res.Targets, nil
	}
	if t := res.Target(name); t != nil {
		return []*render.Target{t}, nil
	}
	names := make([]string, len(res.Targets))
	for i, t := range res.Targets {
		names[i] = t.Name
	}
	return nil, &noTargetError{name: name, targets: names}
}

// noTargetError is a --site that names no target of the render.
type noTargetError struct {
	name    string
	targets []string
}

func (e *noTargetError) Error() string {
	return fmt.Sprintf("no site or cluster named %q; the targets are %s", e.name, strings.Join(e.targets, ", "))
}

func warn(w io.Writer, targets []*render.Target) {
	for _, t := range targets {
		for _, wa := range t.Warnings {
			fmt.Fprintf(w, "warning: %s: %s (target %s)\n", wa.Pos, wa.Msg, t.Name)
		}
	}
}

// warningsOf is a target's warnings as JSON, an empty list for none.
func warningsOf(t *render.Target) []problemJSON {
	out := []problemJSON{}
	for _, w := range t.Warnings {
		out = append(out, problemJSON{File: w.Pos.File, Line: w.Pos.Line, Col: w.Pos.Col, Message: w.Msg})
	}
	return out
}

// rendered is the result of render, as JSON.
type rendered struct {
	FormatVersion string       `json:"format_version"`
	Repo          string       `json:"repo"`
	Revision      revisionJSON `json:"revision"`
	Targets       []targetJSON `json:"targets"`
}

type targetJSON struct {
	Name     string           `json:"name"`
	Cluster  string           `json:"cluster"`
	Site     string           `json:"site,omitempty"`
	Warnings []problemJSON    `json:"warnings"`
	Objects  []map[string]any `json:"objects"`

	target *render.Target
}

func targetsJSON(targets []*render.Target) []targetJSON {
	out := make([]targetJSON, len(targets))
	for i, t := range targets {
		out[i] = targetJSON{Name: t.Name, Cluster: t.Cluster, Site: t.Site, Warnings: warningsOf(t), Objects: objectMaps(t.Objects), target: t}
	}
	return out
}

func objectMaps(objs []*unstructured.Unstructured) []map[string]any {
	out := make([]map[string]any, len(objs))
	for i, o := range objs {
		out[i] = o.Object
	}
	return out
}

// write writes every target to w: a YAML stream with a comment before each target, or one JSON document.
func (r rendered) write(w io.Writer, format string) error {
	if format == "json" {
		return writeJSON(w, r)
	}
	for _, t := range r.Targets {
		if err := writeTargetYAML(w, t.target); err != nil {
			return err
		}
	}
	return nil
}

func writeTargetYAML(w io.Writer, t *render.Target) error {
	data, err := t.YAML()
	if err != nil {
		return err
	}
	what := "cluster " + t.Cluster
	if t.Site != "" {
		what = "site " + t.Site + " of cluster " + t.Cluster
	}
	if _, err := fmt.Fprintf(w, "# netops render: target %s, %s, %d objects\n", t.Name, what, len(t.Objects)); err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// writeFiles writes one file per target into dir, <target>.yaml or <target>.json, and lists them on w.
func (r rendered) writeFiles(w io.Writer, dir, format string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, t := range r.Targets {
		one := r
		one.Targets = []targetJSON{t}
		name := filepath.Join(dir, t.Name+"."+format)
		if err := writeFile(name, func(f io.Writer) error { return one.write(f, format) }); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %d objects\n", name, len(t.Objects))
	}
	return nil
}

// removeStale removes the files of targets the render no longer has: files in dir of the format that
// netops render wrote, as their first bytes say, and that name no target of this render.
func (r rendered) removeStale(w io.Writer, dir, format string) error {
	keep := map[string]bool{}
	for _, t := range r.Targets {
		keep[t.Name+"."+format] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := filepath.Join(dir, e.Name())
		if e.IsDir() || keep[e.Name()] || filepath.Ext(e.Name()) != "."+format || !writtenByRender(name, format) {
			continue
		}
		if err := os.Remove(name); err != nil {
			return fmt.Errorf("removing %s, the file of a target the plan no longer has: %w", name, err)
		}
		fmt.Fprintf(w, "%s: removed, its target is no longer in the plan\n", name)
	}
	return nil
}

// writtenByRender reports whether the file starts as netops render writes one of a target.
func writtenByRender(name, format string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 256)
	n, _ := io.ReadFull(f, head)
	text := string(head[:n])
	if format == "yaml" {
		return strings.HasPrefix(text, "# netops render: target ")
	}
	return strings.HasPrefix(text, "{\n  \"format_version\"") && strings.Contains(text, "\"targets\"")
}

// writeFile writes the file whole or not at all: into a temporary file beside it, renamed into place
// once complete, so that a failed write leaves neither half a file nor an old one that looks new.
func writeFile(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone already once renamed
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	return err
}

package render

import (
	"context"
	"fmt"
	"io/fs"
	"net/netip"

	"helm.sh/helm/v3/pkg/getter"

	"github.com/netops/netops/pkg/network"
)

// Option changes where Render finds the network repo's files and charts.
type Option func(*options)

type options struct {
	repo     fs.FS // the network repo, for charts at a path and overlays; nil for none
	cacheDir string
	offline  bool
	getters  []getter.Option
}

// WithRepo gives the network repo's files: charts at a path in the repo, and overlays/<target>/.
func WithRepo(fsys fs.FS) Option { return func(o *options) { o.repo = fsys } }

// WithCacheDir sets the folder that keeps downloaded charts, by digest. Without it, a chart from a
// repository is downloaded each time.
func WithCacheDir(dir string) Option { return func(o *options) { o.cacheDir = dir } }

// WithOffline, when on, renders from the chart cache and the repo's own charts only.
func WithOffline(on bool) Option { return func(o *options) { o.offline = on } }

// WithGetterOptions passes options to Helm's HTTP and OCI getters, such as TLS files, credentials or a timeout.
func WithGetterOptions(opts ...getter.Option) Option {
	return func(o *options) { o.getters = append(o.getters, opts...) }
}

// renderer renders one plan.
type renderer struct {
	plan        *network.Plan
	opts        options
	idx         *index
	charts      *charts
	lans        map[string][]block             // lanClients of each pool, by name, once computed
	backends    map[string]map[string][]string // the backends of each cluster's Traefik instances, by instance name
	notInternet []netip.Prefix                 // what a tenant's internet egress leaves out, once computed
}

// Render renders the plan: one target per cluster with the cluster-wide components (CRDs, the MetalLB,
// Traefik and Weave installs, namespaces, tenant policies, DNS records), then one target per site with
// its pools, advertisements and services. It never prints; warnings come back in the targets.
func Render(ctx context.Context, plan *network.Plan, opts ...Option) (*Result, error) {
	r := &renderer{plan: plan, idx: newIndex(plan), lans: map[string][]block{}, backends: map[string]map[string][]string{}}
	for _, opt := range opts {
		opt(&r.opts)
	}
	r.charts = newCharts(&r.opts)
	if err := r.check(); err != nil {
		return nil, err
	}
	res := &Result{Targets: targetsOf(plan)}
	for _, t := range res.Targets {
		if err := r.build(ctx, t); err != nil {
			return nil, err
		}
	}
	warnUnmanagedSecrets(plan, res)
	return res, checkOwners(res)
}

// targetsOf lists the plan's targets: its clusters, then its sites.
func targetsOf(p *network.Plan) []*Target {
	var out []*Target
	for _, c := range p.Clusters {
		out = append(out, &Target{Name: c.Name, Cluster: c.Name})
	}
	for _, s := range p.Sites {
		out = append(out, &Target{Name: s.Name, Cluster: s.Cluster, Site: s.Name})
	}
	return out
}

func (r *renderer) build(ctx context.Context, t *Target) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("rendering target %s: %w", t.Name, err)
	}
	var err error
	if t.Site == "" {
		err = r.clusterTarget(ctx, t)
	} else {
		r.siteTarget(t)
	}
	if err == nil {
		err = r.overlay(t)
	}
	if err == nil {
		err = CheckSecrets(t.Name, t.Objects)
	}
	sortObjects(t.Objects)
	return err
}

// clusterTarget renders what a cluster's sites share.
func (r *renderer) clusterTarget(ctx context.Context, t *Target) error {
	c := r.idx.clusters[t.Cluster]
	steps := []func(context.Context, *Target, *network.Cluster) error{
		r.namespaces, r.metallb, r.traefik, r.weave, r.tenantPolicies, r.dnsRecords,
	}
	for _, step := range steps {
		if err := step(ctx, t, c); err != nil {
			return err
		}
	}
	return nil
}

// siteTarget renders one site's own objects.
func (r *renderer) siteTarget(t *Target) {
	s := r.idx.sites[t.Site]
	r.pools(t, s)
	r.advertisements(t, s)
	for _, svc := range r.idx.services[s.Name] {
		r.service(t, svc)
	}
}

// check finds what the loader lets through but rendering cannot place: a site with a cluster's name
// (both name targets), or a service whose pool is not a site's pool.
func (r *renderer) check() error {
	for _, s := range r.plan.Sites {
		if r.idx.clusters[s.Name] != nil {
			return &Error{Pos: s.Pos, Msg: fmt.Sprintf("site %q has the name of a cluster; rename one, since each names a render target", s.Name)}
		}
	}
	if len(r.idx.unplaced) > 0 {
		s := r.idx.unplaced[0]
		return &Error{Pos: s.Pos, Msg: fmt.Sprintf("service %s/%s: pool %q is not a pool of a site", s.Namespace, s.Name, s.Pool)}
	}
	return nil
}

// checkOwners makes sure that every object belongs to exactly one target.
func checkOwners(res *Result) error {
	owner := map[string]string{}
	for _, t := range res.Targets {
		for _, o := range t.Objects {
			key := o.GetAPIVersion() + "/" + refOf(o)
			if first, ok := owner[key]; ok {
				return &ConflictError{Object: refOf(o), Targets: []string{first, t.Name}}
			}
			owner[key] = t.Name
		}
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/netops/netops/pkg/apply"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/render"
	"github.com/netops/netops/pkg/source"
)

// applyFlags are the flags of netops apply.
type applyFlags struct {
	repoFlags
	site     string
	allSites bool
	kubeFlags
	prune          bool
	wait           bool
	timeout        time.Duration
	forceConflicts bool
	allowMassPrune bool
	lockTimeout    time.Duration
	keyring        string
	output         string
}

func newApplyCmd(s Streams) *cobra.Command {
	var flags applyFlags
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Server-side apply the rendered targets to their clusters, each under a lock, pruning what they no longer render",
		Long: `Apply renders the plan and server-side applies each target to its cluster: a cluster's shared
components first, then, once the CRDs they install are established, their Deployments available and
their webhooks' Services have ready endpoints (within --timeout), its sites, two at a time. Each target is locked while it applies, keeps an
inventory of what it applied, and with --prune deletes what it no longer renders, and only that.
With --all-sites --prune, a target that the plan no longer has (a removed site) but that left an
inventory in the cluster is pruned too; like any empty render, that takes --allow-mass-prune.

A summary table goes to stdout (with -o json, each target's counts, status and objects) and progress
to stderr. The exit code is 1 if any target failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runApply(cmd.Context(), s, flags)
		},
	}
	flags.repoFlags.bind(cmd)
	flags.kubeFlags.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&flags.site, "site", "", "apply one target: a site, or a cluster for its shared components")
	f.BoolVar(&flags.allSites, "all-sites", false, "apply every target: each cluster's shared components, then every site")
	f.BoolVar(&flags.prune, "prune", false, "delete the objects a target applied before and no longer renders")
	f.BoolVar(&flags.wait, "wait", false, "wait until every applied object is ready")
	f.DurationVar(&flags.timeout, "timeout", apply.DefaultTimeout, "how long each target may take to apply, and to become ready with --wait; with --all-sites, how long a cluster's shared target may take to serve its sites")
	f.BoolVar(&flags.forceConflicts, "force-conflicts", false, "take over fields that another field manager owns")
	f.BoolVar(&flags.allowMassPrune, "allow-mass-prune", false, "prune even when the render is empty or more than half of a target would go")
	f.DurationVar(&flags.lockTimeout, "lock-timeout", apply.DefaultLockTimeout, "how long to wait for another apply of the same target")
	f.StringVar(&flags.keyring, "keyring", "", "a file of armored PGP public keys: refuse to deploy a commit not signed by one of them")
	f.StringVarP(&flags.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func (f applyFlags) check() error {
	switch {
	case f.site != "" && f.allSites:
		return errors.New("pass --site or --all-sites, not both")
	case f.site == "" && !f.allSites:
		return errors.New("pass --site NAME to apply one target, or --all-sites to apply them all")
	case f.output != "text" && f.output != "json":
		return fmt.Errorf("unknown output format %q; use text or json", f.output)
	}
	return nil
}

func runApply(ctx context.Context, s Streams, f applyFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	ctrllog.SetLogger(logr.Discard()) // controller-runtime logs nowhere but through Options.Log
	l, rendered, targets, err := renderForApply(ctx, s, f)
	if missing := new(noTargetError); errors.As(err, &missing) && rendered != nil {
		targets, err = goneTarget(ctx, s, f, l.Plan, rendered, missing)
	}
	if err != nil {
		return err
	}
	results := applyTargets(ctx, s, f, l.Plan, rendered, targets)
	if f.output == "json" {
		err = writeJSON(s.Out, applyReportOf(source.Redact(f.repo), l.Rev, targets, results))
	} else {
		writeSummary(s.Out, results)
	}
	return errors.Join(err, failures(s.Err, results))
}

// renderForApply opens the repo, checks the commit's signature with --keyring, and renders the targets to apply.
// It returns every rendered target, and those to apply.
func renderForApply(ctx context.Context, s Streams, f applyFlags) (loaded, *render.Result, []*render.Target, error) {
	var opts []source.Option
	if f.keyring != "" {
		armored, err := os.ReadFile(f.keyring)
		if err != nil {
			return loaded{}, nil, nil, fmt.Errorf("reading the keyring: %w", err)
		}
		opts = append(opts, source.WithKeyring(string(armored)))
	}
	r, err := openRepo(ctx, f.repo, opts...)
	if err != nil {
		return loaded{}, nil, nil, err
	}
	defer r.Close()
	signed, err := verified(ctx, s, r, f)
	if err != nil {
		return loaded{}, nil, nil, err
	}
	rev := f.rev
	if signed.Signed {
		rev = signed.Hash
	}
	l, err := readPlan(ctx, r, rev)
	if err != nil {
		return loaded{}, nil, nil, err
	}
	if signed.Signed {
		l.Rev = signed // the commit as asked for, with who signed it
	}
	res, targets, warnings, err := renderTargets(ctx, l, f.site, f.allSites)
	for _, w := range warnings {
		fmt.Fprintln(s.Err, "warning:", w)
	}
	return l, res, targets, err
}

// verified checks, with --keyring, the signature of the commit to deploy. The caller then reads that
// commit by its hash, so that neither the files on disk nor a branch that moves since can slip in.
// Without --keyring it returns a zero Revision.
func verified(ctx context.Context, s Streams, r *source.Repo, f applyFlags) (source.Revision, error) {
	if f.keyring == "" {
		return source.Revision{}, nil
	}
	rv, err := r.Verify(ctx, f.rev)
	if err != nil {
		return source.Revision{}, err
	}
	fmt.Fprintf(s.Err, "commit %s is signed by %s\n", rv.Hash, rv.Signer)
	return rv, nil
}

// renderTargets renders the loaded plan and picks the target named site, or every target with all.
// It returns the warnings of the targets it picks.
func renderTargets(ctx context.Context, l loaded, site string, all bool) (*render.Result, []*render.Target, []string, error) {
	res, err := renderLoaded(ctx, l, false)
	if err != nil {
		return nil, nil, nil, err
	}
	if all {
		site = ""
	}
	targets, err := selectTargets(res, site)
	if err != nil {
		return res, nil, nil, err // the render, for a site that is gone
	}
	var warnings []string
	for _, t := range targets {
		for _, w := range t.Warnings {
			warnings = append(warnings, fmt.Sprintf("%s (target %s)", w, t.Name))
		}
	}
	return res, targets, warnings, nil
}

// applyTargets applies the targets cluster by cluster: each cluster's shared components first, then,
// once what they install serves, its sites; unless the shared components failed or did not serve.
func applyTargets(ctx context.Context, s Streams, f applyFlags, plan *network.Plan, rendered *render.Result, targets []*render.Target) []*apply.Result {
	var results []*apply.Result
	for _, cluster := range clustersOf(targets) {
		shared, sites := split(targets, cluster)
		a, err := newApplier(f, s.Err, plan, cluster, rendered)
		if err != nil {
			results = append(results, failed(append(shared, sites...), fmt.Errorf("cluster %s: %w", cluster, err))...)
			continue
		}
		sharedResults := a.ApplyAll(ctx, shared)
		results = append(results, sharedResults...)
		if i := slices.IndexFunc(sharedResults, func(r *apply.Result) bool { return r.Err != nil }); i >= 0 {
			err := fmt.Errorf("not applied: the cluster's shared target %s failed, and its sites depend on it", sharedResults[i].Target)
			results = append(results, failed(sites, err)...)
			continue
		}
		if target := waitServing(ctx, a, shared, sites, sharedResults); target != "" {
			err := fmt.Errorf("not applied: the cluster's shared target %s is not ready to serve its sites", target)
			results = append(results, failed(sites, err)...)
			continue
		}
		results = append(results, a.ApplyAll(ctx, sites)...)
		if f.allSites && f.prune {
			results = append(results, pruneOrphans(ctx, s, a, cluster)...)
		}
	}
	return results
}

// waitServing waits, when sites follow in the same run, until what the cluster's shared targets
// install can serve them: a first apply to an empty cluster would otherwise send the sites' pools to
// a webhook with nothing behind it yet. A shared target that does not serve in time fails, and
// waitServing returns its name.
func waitServing(ctx context.Context, a *apply.Applier, shared, sites []apply.Target, results []*apply.Result) string {
	if len(sites) == 0 {
		return ""
	}
	for i, t := range shared {
		if err := a.WaitServing(ctx, t); err != nil {
			results[i].Err = err
			return t.Name
		}
	}
	return ""
}

func clustersOf(targets []*render.Target) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range targets {
		if !seen[t.Cluster] {
			seen[t.Cluster] = true
			out = append(out, t.Cluster)
		}
	}
	return out
}

// split is the cluster's targets: its shared components, and its sites.
func split(targets []*render.Target, cluster string) (shared, sites []apply.Target) {
	for _, t := range targets {
		switch {
		case t.Cluster != cluster:
		case t.Site == "":
			shared = append(shared, apply.Target{Name: t.Name, Objects: t.Objects})
		default:
			sites = append(sites, apply.Target{Name: t.Name, Objects: t.Objects})
		}
	}
	return shared, sites
}

// goneTarget is the target that --site names when the plan no longer has it but its cluster holds its
// inventory: a site that a change removed, which the deploy pipeline applies as it applies every site
// the change touched. It applies as an empty render: with --prune and --allow-mass-prune it deletes
// what the site applied. A name that no inventory has either is the error it was.
func goneTarget(ctx context.Context, s Streams, f applyFlags, p *network.Plan, rendered *render.Result, missing *noTargetError) ([]*render.Target, error) {
	if len(p.Clusters) != 1 {
		return nil, missing
	}
	cluster := p.Clusters[0].Name
	a, err := newApplier(f, s.Err, p, cluster, rendered)
	if err != nil {
		return nil, err
	}
	orphans, err := a.Orphans(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(orphans, f.site) {
		return nil, missing
	}
	if f.prune {
		fmt.Fprintf(s.Err, "netops: target %s is no longer in the plan: pruning what it applied\n", f.site)
	} else {
		fmt.Fprintf(s.Err, "netops: target %s is no longer in the plan; what it applied stays until an apply with --prune --allow-mass-prune\n", f.site)
	}
	return []*render.Target{{Name: f.site, Cluster: cluster}}, nil
}

// pruneOrphans prunes the targets that the plan no longer has but the cluster still holds an inventory
// of: a removed site. The prune guard treats each as an empty render, so it takes --allow-mass-prune.
func pruneOrphans(ctx context.Context, s Streams, a *apply.Applier, cluster string) []*apply.Result {
	names, err := a.Orphans(ctx)
	if err != nil {
		return failed([]apply.Target{{Name: cluster}}, err)
	}
	var gone []apply.Target
	for _, name := range names {
		fmt.Fprintf(s.Err, "netops: target %s is no longer in the plan: pruning what it applied\n", name)
		gone = append(gone, apply.Target{Name: name})
	}
	return a.ApplyAll(ctx, gone)
}

// newApplier applies to the cluster of the plan. Every target of the render on that cluster, applied
// or not, tells its prunes what has moved to another target, and which targets are gone.
func newApplier(f applyFlags, log io.Writer, p *network.Plan, cluster string, rendered *render.Result) (*apply.Applier, error) {
	cfg, err := f.restConfig(f.contextOf(p, cluster))
	if err != nil {
		return nil, err
	}
	return apply.New(cfg, apply.Options{
		Prune: f.prune, Wait: f.wait, ForceConflicts: f.forceConflicts, AllowMassPrune: f.allowMassPrune,
		Timeout: f.timeout, LockTimeout: f.lockTimeout, Log: log, Plan: p.Name, Rendered: onCluster(rendered.Targets, cluster),
	})
}

// onCluster is the targets that go to the cluster, as apply takes them.
func onCluster(targets []*render.Target, cluster string) []apply.Target {
	var out []apply.Target
	for _, t := range targets {
		if t.Cluster == cluster {
			out = append(out, apply.Target{Name: t.Name, Objects: t.Objects})
		}
	}
	return out
}

func failed(ts []apply.Target, err error) []*apply.Result {
	out := make([]*apply.Result, len(ts))
	for i, t := range ts {
		out[i] = &apply.Result{Target: t.Name, Err: err}
	}
	return out
}

// writeSummary writes a line per target: what apply did to its objects, and how it ended.
func writeSummary(w io.Writer, results []*apply.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tCREATED\tCONFIGURED\tUNCHANGED\tPRUNED\tSTATUS")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\n", r.Target, r.Created, r.Configured, r.Unchanged, r.Pruned, status(r.Err))
	}
	tw.Flush()
}

// status says in a word or two how a target's apply ended.
func status(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, new(*apply.LockError)):
		return "failed: locked"
	case errors.As(err, new(*apply.ConflictError)):
		return "failed: field conflict"
	case errors.As(err, new(*apply.PruneError)):
		return "failed: prune refused"
	case errors.As(err, new(*apply.NotServingError)):
		return "failed: not ready"
	}
	return "failed"
}

// failures writes the error of each failed target to w, and ends the command with exit code 1 if any failed.
func failures(w io.Writer, results []*apply.Result) error {
	n := 0
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(w, "netops: %s: %v\n", r.Target, r.Err)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d targets failed", n, len(results)), Silent: true}
}

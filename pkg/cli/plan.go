package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netops/netops/pkg/apply"
	"github.com/netops/netops/pkg/changes"
	"github.com/netops/netops/pkg/plan"
	"github.com/netops/netops/pkg/render"
	"github.com/netops/netops/pkg/source"
)

// planFlags are the flags of netops plan.
type planFlags struct {
	repoFlags
	kubeFlags
	site, base, output       string
	writes                   []string
	offline, detailed, local bool
}

func newPlanCmd(s Streams) *cobra.Command {
	var flags planFlags
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what applying the plan would change: against the cluster, or offline against a base revision",
		Long: `plan renders the network at --rev and compares it:
  live     with the cluster, through a server-side dry-run of every object, listing what a prune would delete;
  offline  (--offline, or when no kubeconfig is found) with the render at --base, or with nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			view, err := plan.NewView(flags.output)
			if err != nil {
				return err
			}
			extra, err := parseWrites(flags.writes, plan.NewView)
			if err != nil {
				return err
			}
			p, err := runPlan(cmd.Context(), s, flags)
			if err != nil {
				return err
			}
			if err := errors.Join(view.Write(s.Out, p), writeAll(extra, func(v plan.View, w io.Writer) error { return v.Write(w, p) })); err != nil {
				return err
			}
			if flags.detailed && p.HasChanges() {
				return findings("the plan has changes")
			}
			return nil
		},
	}
	flags.repoFlags.bind(cmd)
	flags.kubeFlags.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&flags.site, "site", "", "plan one target only: a site, or a cluster for its shared components")
	f.StringVar(&flags.base, "base", "", "offline: the revision to compare with, such as the PR's target branch (default: nothing)")
	f.BoolVar(&flags.offline, "offline", false, "compare with --base instead of the cluster, even when a kubeconfig is found")
	f.BoolVar(&flags.local, "offline-charts", false, "use only the chart cache and the repo's own charts")
	f.BoolVar(&flags.detailed, "detailed-exitcode", false, "exit 0 when there are no changes, 2 when there are, 1 on error")
	f.StringVarP(&flags.output, "output", "o", "text", "output format: text, json or markdown")
	bindWrite(cmd, &flags.writes, "text, json, markdown")
	return cmd
}

func runPlan(ctx context.Context, s Streams, f planFlags) (*plan.Plan, error) {
	repo, err := openRepo(ctx, f.repo)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	if f.offline || !f.kubeFlags.found() {
		fmt.Fprintln(s.Err, "netops: no cluster: planning offline against", describeBase(f.base))
		return offlinePlan(ctx, s, repo, f)
	}
	head, err := renderAt(ctx, repo, f.rev, f, false)
	if err != nil {
		return nil, err
	}
	warn(s.Err, head.selected)
	return livePlan(ctx, head, f)
}

func describeBase(base string) string {
	if base == "" {
		return "an empty cluster"
	}
	return "revision " + base
}

// renderedRev is a render of one revision: each target's objects, and the cluster each goes to.
type renderedRev struct {
	loaded
	selected []*render.Target // the targets --site selects, with their warnings
	rendered []*render.Target // every target of the render, selected or not
	targets  plan.Targets
	clusters map[string]string
	missing  error // why --site selects nothing at this revision, when renderAt is told to allow it
}

// errNoFolder stands for a revision without the repo's folder in renderedRev.missing.
var errNoFolder = errors.New("the revision lacks the repo's folder")

// renderAt renders the plan at rev and selects the --site target. With orNone, a revision without
// that target, or without the repo's folder, gives none, and says why in missing: a site that a pull
// request adds or removes, or the whole folder, has nothing on one side of an offline plan.
func renderAt(ctx context.Context, repo *source.Repo, rev string, f planFlags, orNone bool) (renderedRev, error) {
	l, err := readPlan(ctx, repo, rev)
	if orNone {
		var none bool
		if l, none, err = orEmpty(l, err); none {
			return renderedRev{loaded: l, targets: plan.Targets{}, clusters: map[string]string{}, missing: errNoFolder}, nil
		}
	}
	if err != nil {
		return renderedRev{}, err
	}
	res, err := renderLoaded(ctx, l, f.local)
	if err != nil {
		return renderedRev{}, err
	}
	targets, err := selectTargets(res, f.site)
	if err != nil && !orNone {
		return renderedRev{}, err
	}
	out := renderedRev{loaded: l, selected: targets, rendered: res.Targets, targets: plan.Targets{}, clusters: map[string]string{}, missing: err}
	for _, t := range targets {
		out.targets[t.Name], out.clusters[t.Name] = t.Objects, t.Cluster
	}
	return out, nil
}

// offlinePlan compares the render of head with that of the merge base of --base and head, or with
// nothing. The two renders run side by side; only head's warnings are shown.
func offlinePlan(ctx context.Context, s Streams, repo *source.Repo, f planFlags) (*plan.Plan, error) {
	if f.base == "" {
		head, err := renderAt(ctx, repo, f.rev, f, false)
		if err != nil {
			return nil, err
		}
		warn(s.Err, head.selected)
		p := plan.Offline(plan.Targets{}, head.targets)
		p.Base, p.Head = "nothing", describeRev(head.Rev, f.rev)
		return p, nil
	}
	mb, err := repo.MergeBase(ctx, f.base, headRev(f.rev))
	if err != nil {
		return nil, err
	}
	var base renderedRev
	var baseErr error
	var wg sync.WaitGroup
	baseCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Go(func() { base, baseErr = renderAt(baseCtx, repo, mb, f, true) })
	head, err := renderAt(ctx, repo, f.rev, f, true)
	if err != nil {
		cancel() // the head's error is the one to show; the base need not finish
	}
	wg.Wait()
	switch {
	case err != nil:
		return nil, err
	case baseErr != nil:
		return nil, fmt.Errorf("rendering the base, %s: %w", f.base, baseErr)
	case head.missing == errNoFolder && base.missing == errNoFolder:
		return nil, fmt.Errorf("neither %s nor the base %s has the folder %s; give revisions that have it", headRev(f.rev), f.base, source.Redact(f.repo))
	case head.missing != nil && base.missing != nil:
		return nil, head.missing
	}
	warn(s.Err, head.selected)
	p := plan.Offline(base.targets, head.targets)
	p.Base, p.Head = describeRev(base.Rev, f.base), describeRev(head.Rev, f.rev)
	p.Note(entitySummary(changes.Entities(base.Plan, head.Plan))...)
	return p, nil
}

func headRev(rev string) string {
	if rev == "" {
		return "HEAD"
	}
	return rev
}

func describeRev(r source.Revision, asked string) string {
	switch {
	case r.Hash != "" && asked != "":
		return asked + " (" + r.Hash[:12] + ")"
	case r.Hash != "":
		return r.Hash[:12]
	}
	return "the files on disk"
}

// entitySummary turns changed tenants, sites, VPNs and clusters into summary lines.
func entitySummary(list []changes.Entity) []plan.Summary {
	var out []plan.Summary
	for _, e := range list {
		switch e.Kind {
		case "Tenant", "Site", "VPN", "Cluster":
			out = append(out, plan.Summary{Kind: lower(e.Kind), Text: fmt.Sprintf("%s %s %s", lower(e.Kind), e.Name, e.Action), Source: e.Pos.String()})
		}
	}
	return out
}

func lower(s string) string {
	if s == "VPN" {
		return "vpn"
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// livePlan dry-runs each cluster's targets on that cluster, and joins the plans.
func livePlan(ctx context.Context, head renderedRev, f planFlags) (*plan.Plan, error) {
	var plans []*plan.Plan
	var contexts []string
	for _, cluster := range slices.Compact(slices.Sorted(maps.Values(head.clusters))) {
		kubeContext := f.contextOf(head.Plan, cluster)
		p, err := liveCluster(ctx, head, f, cluster, kubeContext)
		if err != nil {
			return nil, err
		}
		plans, contexts = append(plans, p), append(contexts, kubeContext)
	}
	p := plan.Merge(plans...)
	p.Base, p.Head = "the cluster (context "+strings.Join(contexts, ", ")+")", describeRev(head.Rev, f.rev)
	return p, nil
}

func liveCluster(ctx context.Context, head renderedRev, f planFlags, cluster, kubeContext string) (*plan.Plan, error) {
	rendered := onCluster(head.rendered, cluster)
	all := plan.Targets{}
	for _, t := range rendered {
		all[t.Name] = t.Objects
	}
	c, kc, err := f.kubeFlags.cluster(kubeContext, rendered)
	if err != nil {
		return nil, err
	}
	desired := plan.Targets{}
	for name, objects := range head.targets {
		if head.clusters[name] == cluster {
			desired[name] = apply.Desired(apply.Target{Name: name, Objects: objects})
		}
	}
	if f.site == "" { // the targets the plan no longer has: a prune would delete all they applied
		gone, err := apply.Orphans(ctx, kc, head.Plan.Name, slices.Collect(maps.Keys(all)))
		if err != nil {
			return nil, err
		}
		for _, name := range gone {
			desired[name] = nil
		}
	}
	p, err := plan.Live(ctx, c, desired, plan.ServedBy(all))
	if err != nil {
		return nil, err
	}
	return p, noteGuard(ctx, kc, p, desired)
}

// noteGuard notes the deletions that apply --prune would refuse without --allow-mass-prune: all of a
// target that renders nothing, or more than apply's share of its inventory.
func noteGuard(ctx context.Context, c client.Client, p *plan.Plan, desired plan.Targets) error {
	deletes := map[string]int{}
	for _, ch := range p.Changes {
		if ch.Action == plan.Delete {
			deletes[ch.Target]++
		}
	}
	for _, target := range slices.Sorted(maps.Keys(deletes)) {
		n := deletes[target]
		inv, err := apply.Inventory(ctx, c, target)
		if err != nil {
			return err
		}
		if len(desired[target]) > 0 && float64(n) <= apply.DefaultMaxPruneShare*float64(len(inv)) {
			continue
		}
		p.Note(plan.Summary{Kind: "prune", Target: target, Text: fmt.Sprintf(
			"%s: apply --prune deletes these %d of %d objects only with --allow-mass-prune", target, n, len(inv))})
	}
	return nil
}

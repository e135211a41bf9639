package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
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
			p, err := runPlan(cmd.Context(), s, flags)
			if err != nil {
				return err
			}
			if err := view.Write(s.Out, p); err != nil {
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
	return cmd
}

func runPlan(ctx context.Context, s Streams, f planFlags) (*plan.Plan, error) {
	repo, err := openRepo(ctx, f.repo)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	head, err := renderAt(ctx, s, repo, f.rev, f)
	if err != nil {
		return nil, err
	}
	if f.offline || !f.kubeFlags.found() {
		fmt.Fprintln(s.Err, "netops: no cluster: planning offline against", describeBase(f.base))
		return offlinePlan(ctx, s, repo, head, f)
	}
	return livePlan(ctx, head, f)
}

func describeBase(base string) string {
	if base == "" {
		return "an empty cluster"
	}
	return "revision " + base
}

// renderedRev is a render of one revision, with the plan entity changes that --base brings.
type renderedRev struct {
	loaded
	targets plan.Targets
}

func renderAt(ctx context.Context, s Streams, repo *source.Repo, rev string, f planFlags) (renderedRev, error) {
	l, err := readPlan(ctx, repo, rev)
	if err != nil {
		return renderedRev{}, err
	}
	res, err := render.Render(ctx, l.Plan, render.WithRepo(l.FS), render.WithCacheDir(chartCache()), render.WithOffline(f.local))
	if err != nil {
		return renderedRev{}, err
	}
	targets, err := selectTargets(res, f.site)
	if err != nil {
		return renderedRev{}, err
	}
	warn(s.Err, targets)
	out := renderedRev{loaded: l, targets: plan.Targets{}}
	for _, t := range targets {
		out.targets[t.Name] = t.Objects
	}
	return out, nil
}

func offlinePlan(ctx context.Context, s Streams, repo *source.Repo, head renderedRev, f planFlags) (*plan.Plan, error) {
	if f.base == "" {
		p := plan.Offline(plan.Targets{}, head.targets)
		p.Base, p.Head = "nothing", describeRev(head.Rev, f.rev)
		return p, nil
	}
	mb, err := repo.MergeBase(ctx, f.base, headRev(f.rev))
	if err != nil {
		return nil, err
	}
	base, err := renderAt(ctx, s, repo, mb, f)
	if err != nil {
		return nil, err
	}
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

func livePlan(ctx context.Context, head renderedRev, f planFlags) (*plan.Plan, error) {
	cluster, err := f.kubeFlags.cluster()
	if err != nil {
		return nil, err
	}
	desired := plan.Targets{}
	for name, objects := range head.targets {
		desired[name] = apply.Desired(apply.Target{Name: name, Objects: objects})
	}
	p, err := plan.Live(ctx, cluster, desired)
	if err != nil {
		return nil, err
	}
	p.Base, p.Head = "the cluster ("+f.kubeFlags.describe()+")", describeRev(head.Rev, f.rev)
	return p, nil
}

// kubeFlags say how to reach the cluster.
type kubeFlags struct {
	kubeconfig, context string
}

func (k *kubeFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&k.kubeconfig, "kubeconfig", "", "the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	cmd.Flags().StringVar(&k.context, "context", "", "the kubeconfig context (default: the current one)")
}

func (k *kubeFlags) rules() *clientcmd.ClientConfigLoadingRules {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if k.kubeconfig != "" {
		rules.ExplicitPath = k.kubeconfig
	}
	return rules
}

// found reports whether a kubeconfig is there to read.
func (k *kubeFlags) found() bool {
	if k.kubeconfig != "" {
		return true
	}
	for _, p := range k.rules().Precedence {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

func (k *kubeFlags) describe() string {
	if k.context != "" {
		return "context " + k.context
	}
	return "current context"
}

// restConfig reads the kubeconfig and picks the context.
func (k *kubeFlags) restConfig() (*rest.Config, error) {
	overrides := &clientcmd.ConfigOverrides{CurrentContext: k.context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(k.rules(), overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("reading the kubeconfig: %w; give --kubeconfig and --context, or plan with --offline", err)
	}
	return cfg, nil
}

// cluster connects to the cluster for a live plan.
func (k *kubeFlags) cluster() (plan.Cluster, error) {
	cfg, err := k.restConfig()
	if err != nil {
		return nil, err
	}
	c, _, err := apply.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return plan.NewKubeCluster(c, fieldManager, staleObjects(c)), nil
}

// staleObjects lists, for the plan, what apply --prune would delete from a target.
func staleObjects(c client.Client) plan.StaleFunc {
	return func(ctx context.Context, target string, objects []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
		refs, err := apply.Stale(ctx, c, apply.Target{Name: target, Objects: objects})
		if err != nil {
			return nil, err
		}
		out := make([]*unstructured.Unstructured, 0, len(refs))
		for _, r := range refs {
			o, err := liveObject(ctx, c, r)
			if err != nil {
				return nil, err
			}
			if o != nil {
				out = append(out, o)
			}
		}
		return out, nil
	}
}

// liveObject reads an object that a prune would delete, so that the plan can say what it was.
func liveObject(ctx context.Context, c client.Client, r apply.ObjectRef) (*unstructured.Unstructured, error) {
	o := &unstructured.Unstructured{}
	o.SetGroupVersionKind(schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind})
	err := c.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Name}, o)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s, which a prune would delete: %w", r, err)
	}
	return o, nil
}

// fieldManager is the name netops applies with, and dry-runs with for a plan.
const fieldManager = "netops"

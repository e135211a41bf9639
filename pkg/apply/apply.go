package apply

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fluxcd/cli-utils/pkg/kstatus/polling"
	"github.com/fluxcd/cli-utils/pkg/object"
	"github.com/fluxcd/pkg/ssa"
	ssaerrors "github.com/fluxcd/pkg/ssa/errors"
	"github.com/fluxcd/pkg/ssa/utils"
	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// Target is what one site, or the cluster-level target, renders: the objects that Apply makes so.
type Target struct {
	Name    string
	Objects []*unstructured.Unstructured
}

// Options tune an Applier. The zero value of each field picks its default.
type Options struct {
	FieldManager   string        // the server-side apply field manager; default "netops"
	Prune          bool          // delete what the target's inventory holds that is no longer rendered
	Wait           bool          // wait until every applied object is ready, as kstatus sees it
	ForceConflicts bool          // take over fields that other field managers own
	AllowMassPrune bool          // prune even an empty render, or more than MaxPruneShare of the inventory
	MaxPruneShare  float64       // the share of the inventory a prune may delete; default 0.5
	Timeout        time.Duration // how long a target may take once it holds its lock, waiting included; default 5m
	LockTimeout    time.Duration // how long to wait for another apply's lock on a target; default 1m
	Concurrency    int           // targets applied in parallel; default 2
	Holder         string        // who applies, as the lock shows it; default user@host
	Log            io.Writer     // progress, a line per step; default io.Discard
	// Rendered is every target of the same render on this cluster, the applied ones included. A
	// prune leaves an object that another of them renders: it is moving to that target, which takes
	// it over when it applies, in this run or in its own.
	Rendered []Target
	// Plan is the name of the plan whose targets these are. Inventories carry it, so that Orphans
	// finds the targets the plan no longer has, and never another plan's.
	Plan string
}

// Defaults of Options.
const (
	DefaultFieldManager  = "netops"
	DefaultMaxPruneShare = 0.5
	DefaultTimeout       = 5 * time.Minute
	DefaultLockTimeout   = time.Minute
	DefaultConcurrency   = 2
)

// objectConcurrency is how many objects of one target each part of an apply dry-runs at once, and
// applyStreams how many parts of a target apply at once.
const (
	objectConcurrency = 8
	applyStreams      = 4
)

func (o Options) withDefaults() Options {
	if o.FieldManager == "" {
		o.FieldManager = DefaultFieldManager
	}
	if o.MaxPruneShare == 0 {
		o.MaxPruneShare = DefaultMaxPruneShare
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.Concurrency < 1 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Holder == "" {
		o.Holder = defaultHolder()
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o
}

// Action is what Apply did to one object.
type Action string

// Actions, as Result.Entries report them.
const (
	Created    Action = "created"
	Configured Action = "configured"
	Unchanged  Action = "unchanged"
	Pruned     Action = "pruned"
	Skipped    Action = "skipped"
)

// Entry is one object and what Apply did to it.
type Entry struct {
	Object ObjectRef
	Action Action
}

func (e Entry) String() string { return e.Object.String() + " " + string(e.Action) }

// Result is what Apply did to one target. Err is the error Apply returned, if any.
type Result struct {
	Target                                 string
	Created, Configured, Unchanged, Pruned int
	Entries                                []Entry
	Err                                    error
}

func (r *Result) add(e Entry) {
	r.Entries = append(r.Entries, e)
	switch e.Action {
	case Created:
		r.Created++
	case Configured:
		r.Configured++
	case Unchanged:
		r.Unchanged++
	case Pruned:
		r.Pruned++
	}
}

// Applier applies targets to one cluster.
type Applier struct {
	opts     Options
	client   client.Client
	manager  *ssa.ResourceManager
	identity string // the lock holder identity, unique to this Applier
	log      *logger
	local    sync.Map // target name -> chan struct{}: one Apply per target in this process
	claims   Claims   // who renders what among Options.Rendered
}

// New makes an Applier for the cluster that cfg reaches. It does not contact the cluster.
func New(cfg *rest.Config, opts Options) (*Applier, error) {
	opts = opts.withDefaults()
	c, mapper, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	a := &Applier{opts: opts, log: &logger{w: opts.Log}, claims: ClaimsOf(opts.Rendered)}
	a.identity = opts.Holder + " (" + randomID() + ")"
	a.client = &retryClient{Client: c, backoff: defaultBackoff, log: a.log.printf}
	poller := polling.NewStatusPoller(a.client, mapper, polling.Options{})
	a.manager = ssa.NewResourceManager(a.client, poller, ssa.Owner{Field: opts.FieldManager, Group: "netops.dev"})
	a.manager.SetConcurrency(objectConcurrency)
	return a, nil
}

// NewClient connects to the cluster as netops does: with a dynamic REST mapper, and without client-side
// throttling unless the kubeconfig sets it, leaving limits to the API server's priority and fairness.
func NewClient(cfg *rest.Config) (client.Client, meta.RESTMapper, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 && cfg.RateLimiter == nil {
		cfg.QPS = -1 // no client-side throttling: the API server's priority and fairness limits, and 429s are retried
	}
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster client: %w", err)
	}
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, hc)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster client: %w", err)
	}
	c, err := client.New(cfg, client.Options{HTTPClient: hc, Mapper: mapper})
	if err != nil {
		return nil, nil, fmt.Errorf("cluster client: %w", err)
	}
	return c, mapper, nil
}

// ApplyAll applies every target, Concurrency at a time. A target that fails does not stop the others;
// its Result carries the error. The results are in the order of ts.
func (a *Applier) ApplyAll(ctx context.Context, ts []Target) []*Result {
	results := make([]*Result, len(ts))
	var g errgroup.Group
	g.SetLimit(a.opts.Concurrency)
	for i, t := range ts {
		g.Go(func() error {
			results[i], _ = a.Apply(ctx, t)
			return nil
		})
	}
	_ = g.Wait()
	return results
}

// Apply makes the cluster hold what t renders, under the target's lock: CRDs and namespaces first,
// then the rest; with Prune, it then deletes what the target's inventory holds that t no longer renders.
func (a *Applier) Apply(ctx context.Context, t Target) (*Result, error) {
	res := &Result{Target: t.Name}
	res.Err = a.apply(ctx, t, res)
	if res.Err != nil {
		a.logf(t.Name, "failed: %v", res.Err)
	} else {
		a.logf(t.Name, "done: %d created, %d configured, %d unchanged, %d pruned",
			res.Created, res.Configured, res.Unchanged, res.Pruned)
	}
	return res, res.Err
}

func (a *Applier) apply(ctx context.Context, t Target, res *Result) error {
	if errs := validation.IsDNS1123Label(t.Name); len(errs) > 0 {
		return fmt.Errorf("target name %q: %s", t.Name, strings.Join(errs, "; "))
	}
	ctx, unlock, err := a.lock(ctx, t.Name)
	if err != nil {
		return err
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(ctx, a.opts.Timeout)
	defer cancel()
	err = a.reconcile(ctx, t, res)
	if cause := context.Cause(ctx); err != nil && cause != nil && !errors.Is(err, cause) {
		err = fmt.Errorf("%w (%w)", err, cause)
	}
	return err
}

// reconcile applies and prunes one locked target, keeping its inventory a superset of what the cluster
// may hold for it, even when the apply stops half-way.
func (a *Applier) reconcile(ctx context.Context, t Target, res *Result) error {
	desired := Desired(t)
	if err := a.scoped(desired); err != nil {
		return err
	}
	want := refsOf(desired)
	inv, plan, err := inventory(ctx, a.client, t.Name)
	if err != nil {
		return err
	}
	current := inv
	if plan != a.opts.Plan {
		current = nil // rewrite it with the plan's name
	}
	stale, err := a.planPrune(ctx, t.Name, inv, want)
	if err != nil {
		return err
	}
	live := a.survey(ctx, desired)
	if !a.opts.ForceConflicts {
		if err := a.checkConflicts(ctx, desired, live); err != nil {
			return err
		}
	}
	recorded := union(inv, want)
	if err := a.record(ctx, t.Name, current, recorded); err != nil {
		return err
	}
	if err := a.applyObjects(ctx, t.Name, desired, live, res); err != nil {
		return err
	}
	if !a.opts.Prune {
		return nil
	}
	kept, pruneErr := a.prune(ctx, t.Name, stale, res)
	if len(want) == 0 && len(kept) == 0 && pruneErr == nil {
		return a.dropInventory(ctx, t.Name) // a target that renders nothing and holds nothing is gone
	}
	return errors.Join(pruneErr, a.record(ctx, t.Name, recorded, union(want, kept)))
}

// scoped does to the objects what the API server would, before they are recorded: a cluster-scoped
// object's namespace goes, and a namespaced object without one is an error. A kind that the cluster
// does not serve yet, such as one whose CRD the same target brings, is left as it is.
func (a *Applier) scoped(objs []*unstructured.Unstructured) error {
	for _, o := range objs {
		gvk := o.GroupVersionKind()
		m, err := a.client.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			continue
		}
		switch namespaced := m.Scope.Name() == meta.RESTScopeNameNamespace; {
		case !namespaced && o.GetNamespace() != "":
			o.SetNamespace("")
		case namespaced && o.GetNamespace() == "":
			return &ObjectError{Object: refOf(o), Op: "apply", Err: errors.New("a namespaced kind without a namespace; set metadata.namespace")}
		}
	}
	return nil
}

// applyObjects server-side applies objs in stages and, with Wait, waits until they are ready.
func (a *Applier) applyObjects(ctx context.Context, target string, objs []*unstructured.Unstructured, live survey, res *Result) error {
	a.logf(target, "applying %d objects", len(objs))
	cs, err := a.applyStaged(ctx, objs, live)
	for _, e := range cs.Entries {
		res.add(a.entry(target, e))
	}
	if err != nil {
		return err
	}
	if !a.opts.Wait {
		return nil
	}
	a.logf(target, "waiting for %d objects to be ready", len(cs.Entries))
	opts := ssa.WaitOptions{Interval: time.Second, Timeout: remaining(ctx)}
	if err := a.manager.WaitForSetWithContext(ctx, cs.ToObjMetadataSet(), opts); err != nil {
		return fmt.Errorf("target %s: %w", target, err)
	}
	return nil
}

// applyStaged applies the cluster definitions (CRDs, namespaces, cluster roles, classes) and waits
// until they are ready, as ssa.ApplyAllStaged does; then creates the other objects that do not exist
// yet, and has ssa apply those that do, comparing each with a dry-run.
func (a *Applier) applyStaged(ctx context.Context, objs []*unstructured.Unstructured, live survey) (*ssa.ChangeSet, error) {
	var defs, fresh, known []*unstructured.Unstructured
	for _, o := range objs {
		switch {
		case utils.IsClusterDefinition(o) || utils.IsClassDefinition(o):
			defs = append(defs, o)
		case live.isNew(o):
			fresh = append(fresh, o)
		default:
			known = append(known, o)
		}
	}
	cs, err := a.manager.ApplyAllStaged(ctx, defs, a.applyOptions(ctx))
	if err != nil {
		return cs, applyError(err)
	}
	created, createErr := a.create(ctx, fresh)
	cs.Append(created)
	applied, applyErr := a.applyParts(ctx, known)
	cs.Append(applied)
	return cs, errors.Join(createErr, applyErr)
}

// create applies objects that do not exist yet. With nothing to compare them with, one request each
// does, many at once.
func (a *Applier) create(ctx context.Context, objs []*unstructured.Unstructured) ([]ssa.ChangeSetEntry, error) {
	entries := make([]*ssa.ChangeSetEntry, len(objs))
	errs := make([]error, len(objs))
	var g errgroup.Group
	g.SetLimit(objectConcurrency)
	for i, o := range objs {
		g.Go(func() error {
			obj := o.DeepCopy()
			if err := a.ssaPatch(ctx, obj); err != nil {
				errs[i] = &ObjectError{Object: refOf(o), Op: "apply", Err: err}
				return nil
			}
			entries[i] = &ssa.ChangeSetEntry{ObjMetadata: object.UnstructuredToObjMetadata(obj),
				GroupVersion: obj.GroupVersionKind().Version, Subject: utils.FmtUnstructured(obj), Action: ssa.CreatedAction}
			return nil
		})
	}
	_ = g.Wait()
	var out []ssa.ChangeSetEntry
	for _, e := range entries {
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, errors.Join(errs...)
}

// applyParts has ssa apply objects in applyStreams parts at once, since ssa applies the objects of one
// call one after the other.
func (a *Applier) applyParts(ctx context.Context, objs []*unstructured.Unstructured) ([]ssa.ChangeSetEntry, error) {
	sort.Sort(ssa.SortableUnstructureds(objs))
	parts := slices.Collect(slices.Chunk(objs, max(1, (len(objs)+applyStreams-1)/applyStreams)))
	sets := make([]*ssa.ChangeSet, len(parts))
	errs := make([]error, len(parts))
	var g errgroup.Group
	for i, part := range parts {
		g.Go(func() error {
			sets[i], errs[i] = a.manager.ApplyAll(ctx, part, a.applyOptions(ctx))
			return nil
		})
	}
	_ = g.Wait()
	var out []ssa.ChangeSetEntry
	for i := range parts {
		if sets[i] != nil {
			out = append(out, sets[i].Entries...)
		}
		errs[i] = applyError(errs[i])
	}
	return out, errors.Join(errs...)
}

func (a *Applier) applyOptions(ctx context.Context) ssa.ApplyOptions {
	opts := ssa.DefaultApplyOptions()
	opts.WaitInterval = 500 * time.Millisecond
	opts.WaitTimeout = remaining(ctx)
	return opts
}

// entry turns a change set entry into an Entry, and logs it unless nothing changed.
func (a *Applier) entry(target string, e ssa.ChangeSetEntry) Entry {
	action := Action(e.Action)
	if e.Action == ssa.DeletedAction {
		action = Pruned
	}
	ent := Entry{Object: refOfEntry(e), Action: action}
	if action != Unchanged {
		a.logf(target, "%s", ent)
	}
	return ent
}

// applyError names the object of a failed dry-run with a typed error.
func applyError(err error) error {
	if err == nil {
		return nil
	}
	var dre *ssaerrors.DryRunErr
	if errors.As(err, &dre) && dre.InvolvedObject() != nil {
		return &ObjectError{Object: refOf(dre.InvolvedObject()), Op: "dry-run", Err: dre.Unwrap()}
	}
	return err
}

// Desired returns the objects of t as Apply sends them: copies that carry the target's label.
func Desired(t Target) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(t.Objects))
	for _, o := range t.Objects {
		if o == nil {
			continue
		}
		c := o.DeepCopy()
		labels := c.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		labels[TargetLabel] = t.Name
		c.SetLabels(labels)
		out = append(out, c)
	}
	return out
}

func remaining(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d)
	}
	return DefaultTimeout
}

// logger writes whole lines to one writer from many goroutines.
type logger struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *logger) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

func (a *Applier) logf(target, format string, args ...any) {
	a.log.printf(target+": "+format, args...)
}

func defaultHolder() string {
	name := "netops"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s@%s pid %d", name, host, os.Getpid())
}

func randomID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

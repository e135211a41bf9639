package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The lock of a target is a Lease that its holder renews every leaseDuration/3 while it applies.
// A Lease not renewed for leaseDuration is free for the taking. A holder stops its apply leaseMargin
// before its last renewal, stamped by its own clock, runs out, whatever its requests are doing.
// Another applier takes a lease over once it has seen it unchanged for leaseDuration, by its own
// clock, or once the holder's stamp is older than leaseDuration and clockSkew by that clock: so clocks
// that differ by up to clockSkew never let two appliers hold a lock at once.
const (
	leaseDuration = 30 * time.Second
	leaseMargin   = 5 * time.Second
	clockSkew     = 2 * time.Minute
	lockPoll      = 500 * time.Millisecond
	lockPrefix    = "netops-lock-"
)

// errLeaseTaken is a lease that another holder took over.
var errLeaseTaken = errors.New("another holder took the lease over")

// holder is who holds a lease, and since when.
type holder struct {
	identity string
	since    time.Time
}

// lock takes the target's lock, waiting up to LockTimeout, and renews it until unlock is called.
// The context it returns ends, with a *LockLostError as its cause, if the lock cannot be renewed.
func (a *Applier) lock(ctx context.Context, target string) (context.Context, func(), error) {
	unlocal, err := a.lockLocal(ctx, target)
	if err != nil {
		return nil, nil, err
	}
	lease, err := a.acquire(ctx, target)
	if err != nil {
		unlocal()
		return nil, nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		a.renew(ctx, target, lease, stop, cancel)
	}()
	unlock := func() {
		close(stop)
		<-stopped
		a.release(context.WithoutCancel(ctx), target, lease)
		cancel(nil)
		unlocal()
	}
	return ctx, unlock, nil
}

// lockLocal keeps two Applies of one target in this process apart: they share an identity.
func (a *Applier) lockLocal(ctx context.Context, target string) (func(), error) {
	v, _ := a.local.LoadOrStore(target, make(chan struct{}, 1))
	ch := v.(chan struct{})
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(a.opts.LockTimeout):
		return nil, &LockError{Target: target, Holder: a.identity, Waited: a.opts.LockTimeout}
	}
}

// acquire takes the target's lease, polling while another holder keeps it, up to LockTimeout.
func (a *Applier) acquire(ctx context.Context, target string) (*coordinationv1.Lease, error) {
	if err := a.ensureNamespace(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	var last holder
	var seen sighting
	for {
		lease, h, err := a.tryAcquire(ctx, target, &seen)
		if err != nil || lease != nil {
			return lease, err
		}
		if h.identity != "" && h != last {
			a.logf(target, "waiting for the lock held by %q since %s", h.identity, h.since.Format(time.RFC3339))
			last = h
		}
		if waited := time.Since(start); waited >= a.opts.LockTimeout {
			return nil, &LockError{Target: target, Holder: last.identity, Since: last.since, Waited: waited}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// sighting is a lease as an acquiring applier last saw it, and since when, by its own clock.
type sighting struct {
	version string
	since   time.Time
}

// unchangedFor is how long the lease has stayed as s saw it last, and records it as seen now.
func (s *sighting) unchangedFor(lease *coordinationv1.Lease) time.Duration {
	if lease.ResourceVersion != s.version {
		s.version, s.since = lease.ResourceVersion, time.Now()
	}
	return time.Since(s.since)
}

// tryAcquire takes the lease if it is free, expired or already this Applier's. If another holder
// has it, it says who; a lease that changed under it is neither taken nor held.
func (a *Applier) tryAcquire(ctx context.Context, target string, seen *sighting) (*coordinationv1.Lease, holder, error) {
	lease := &coordinationv1.Lease{}
	key := client.ObjectKey{Namespace: SystemNamespace, Name: lockPrefix + target}
	err := a.client.Get(ctx, key, lease)
	if apierrors.IsNotFound(err) {
		lease = &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}
		a.claim(lease)
		err = a.client.Create(ctx, lease)
		if apierrors.IsAlreadyExists(err) {
			return nil, holder{}, nil
		}
		return lease, holder{}, err
	}
	if err != nil {
		return nil, holder{}, err
	}
	if h := holderOf(lease); h.identity != "" && h.identity != a.identity && !expired(lease, seen.unchangedFor(lease)) {
		return nil, h, nil
	}
	a.claim(lease)
	err = a.client.Update(ctx, lease)
	if apierrors.IsConflict(err) {
		return nil, holder{}, nil
	}
	return lease, holder{}, err
}

// claim makes the lease this Applier's, renewed now.
func (a *Applier) claim(lease *coordinationv1.Lease) {
	now := metav1.NowMicro()
	if holderOf(lease).identity != a.identity {
		lease.Spec.AcquireTime = &now
		transitions := int32(1)
		if lease.Spec.LeaseTransitions != nil {
			transitions = *lease.Spec.LeaseTransitions + 1
		}
		lease.Spec.LeaseTransitions = &transitions
	}
	id, secs := a.identity, int32(leaseDuration/time.Second)
	lease.Spec.HolderIdentity = &id
	lease.Spec.RenewTime = &now
	lease.Spec.LeaseDurationSeconds = &secs
}

func holderOf(lease *coordinationv1.Lease) holder {
	var h holder
	if lease.Spec.HolderIdentity != nil {
		h.identity = *lease.Spec.HolderIdentity
	}
	if lease.Spec.AcquireTime != nil {
		h.since = lease.Spec.AcquireTime.Time
	}
	return h
}

// expired reports whether a lease that has stayed unchanged for that long, as this applier has seen
// it, is free: see leaseDuration.
func expired(lease *coordinationv1.Lease, unchanged time.Duration) bool {
	if lease.Spec.RenewTime == nil || lease.Spec.LeaseDurationSeconds == nil {
		return true
	}
	d := time.Duration(*lease.Spec.LeaseDurationSeconds) * time.Second
	return unchanged > d || time.Since(lease.Spec.RenewTime.Time) > d+clockSkew
}

// renew keeps the lease fresh until stop closes. When the lease is taken over, or was last renewed
// so long ago that it is about to expire, it cancels the apply: the deadline runs from the stamp of
// the last renewal that succeeded, so a request that hangs cannot outlast the lease.
func (a *Applier) renew(ctx context.Context, target string, lease *coordinationv1.Lease, stop <-chan struct{}, cancel context.CancelCauseFunc) {
	tick := time.NewTicker(leaseDuration / 3)
	defer tick.Stop()
	deadline := time.NewTimer(time.Until(lease.Spec.RenewTime.Add(leaseDuration - leaseMargin)))
	defer deadline.Stop()
	var lastErr error
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-deadline.C:
			cancel(&LockLostError{Target: target, Err: fmt.Errorf("not renewed for %s: %w", leaseDuration-leaseMargin, lastErr)})
			return
		case <-tick.C:
		}
		lastErr = a.renewOnce(ctx, lease)
		switch {
		case lastErr == nil:
			deadline.Reset(time.Until(lease.Spec.RenewTime.Add(leaseDuration - leaseMargin)))
		case errors.Is(lastErr, errLeaseTaken):
			cancel(&LockLostError{Target: target, Err: lastErr})
			return
		default:
			a.logf(target, "could not renew the lock, will try again: %v", lastErr)
		}
	}
}

// renewOnce stamps the lease and writes it, giving up after leaseDuration/3, when the next try is due.
func (a *Applier) renewOnce(ctx context.Context, lease *coordinationv1.Lease) error {
	ctx, cancel := context.WithTimeout(ctx, leaseDuration/3)
	defer cancel()
	next := lease.DeepCopy()
	if err := a.updateOwn(ctx, next, a.claim); err != nil {
		return err
	}
	*lease = *next
	return nil
}

// release frees the lease for the next apply. If it cannot, the lease expires on its own.
func (a *Applier) release(ctx context.Context, target string, lease *coordinationv1.Lease) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	free := func(l *coordinationv1.Lease) {
		l.Spec.HolderIdentity = nil
		l.Spec.AcquireTime = nil
	}
	if err := a.updateOwn(ctx, lease, free); err != nil {
		a.logf(target, "could not release the lock, it expires within %s: %v", leaseDuration, err)
	}
}

// updateOwn changes the lease and writes it back, as long as this Applier holds it.
func (a *Applier) updateOwn(ctx context.Context, lease *coordinationv1.Lease, change func(*coordinationv1.Lease)) error {
	for {
		change(lease)
		err := a.client.Update(ctx, lease)
		if !apierrors.IsConflict(err) {
			return err
		}
		if err := a.client.Get(ctx, client.ObjectKeyFromObject(lease), lease); err != nil {
			return err
		}
		if holderOf(lease).identity != a.identity {
			return errLeaseTaken
		}
	}
}

// ensureNamespace makes the namespace that holds the locks and inventories.
func (a *Applier) ensureNamespace(ctx context.Context) error {
	ns := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Namespace",
		"metadata": map[string]any{
			"name":   SystemNamespace,
			"labels": map[string]any{"app.kubernetes.io/managed-by": "netops"},
		},
	}}
	if err := a.ssaPatch(ctx, ns); err != nil {
		return &ObjectError{Object: refOf(ns), Op: "apply", Err: err}
	}
	return nil
}

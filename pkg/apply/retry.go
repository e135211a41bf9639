package apply

import (
	"context"
	"errors"
	"net"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// defaultBackoff retries for about half a minute: long enough for an API server to restart.
var defaultBackoff = wait.Backoff{Duration: 250 * time.Millisecond, Factor: 2, Jitter: 0.2, Steps: 9, Cap: 8 * time.Second}

// retryClient retries each request that fails for a transient reason, with backoff. Server-side apply
// is idempotent, so a retried apply is safe.
type retryClient struct {
	client.Client
	backoff wait.Backoff
	log     func(format string, args ...any)
}

func (c *retryClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	return c.retry(ctx, func() error { return c.Client.Get(ctx, key, obj, opts...) })
}

func (c *retryClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	return c.retry(ctx, func() error { return c.Client.List(ctx, list, opts...) })
}

func (c *retryClient) Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error {
	return c.retry(ctx, func() error { return c.Client.Create(ctx, obj, opts...) })
}

func (c *retryClient) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	return c.retry(ctx, func() error { return c.Client.Update(ctx, obj, opts...) })
}

func (c *retryClient) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	return c.retry(ctx, func() error { return c.Client.Patch(ctx, obj, patch, opts...) })
}

// Delete takes a NotFound after a failed try as done: the failed try may have deleted the object.
func (c *retryClient) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	tried := false
	return c.retry(ctx, func() error {
		err := c.Client.Delete(ctx, obj, opts...)
		if tried && apierrors.IsNotFound(err) {
			return nil
		}
		tried = true
		return err
	})
}

func (c *retryClient) retry(ctx context.Context, try func() error) error {
	b := c.backoff
	for {
		err := try()
		if err == nil || !transient(err) || b.Steps <= 1 || ctx.Err() != nil {
			return err
		}
		d := b.Step()
		c.log("retrying in %s: %v", d.Round(time.Millisecond), err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(d):
		}
	}
}

// transient says whether a request that failed with err may succeed if tried again: the API server
// was unreachable, overloaded (429) or failed (5xx).
func transient(err error) bool {
	switch {
	case apierrors.IsTooManyRequests(err), apierrors.IsServerTimeout(err), apierrors.IsTimeout(err),
		apierrors.IsInternalError(err), apierrors.IsServiceUnavailable(err), apierrors.IsUnexpectedServerError(err):
		return true
	case utilnet.IsConnectionRefused(err), utilnet.IsConnectionReset(err),
		utilnet.IsProbableEOF(err), utilnet.IsHTTP2ConnectionLost(err):
		return true
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return status.Status().Code >= 500
	}
	var nerr net.Error
	return errors.As(err, &nerr) && nerr.Timeout()
}

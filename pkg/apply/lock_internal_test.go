package apply

import (
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestExpired checks when a lease is free for the taking: its holder's clock may be off by up to
// clockSkew, so a lease that keeps changing is never taken, and a stamp older than that is taken at once.
func TestExpired(t *testing.T) {
	lease := func(renewed time.Duration) *coordinationv1.Lease {
		at, secs := metav1.NewMicroTime(time.Now().Add(-renewed)), int32(leaseDuration/time.Second)
		return &coordinationv1.Lease{Spec: coordinationv1.LeaseSpec{RenewTime: &at, LeaseDurationSeconds: &secs}}
	}
	for _, c := range []struct {
		name               string
		renewed, unchanged time.Duration
		want               bool
	}{
		{"renewed just now", 0, 0, false},
		{"a holder whose clock is a minute behind, renewing", time.Minute, time.Second, false},
		{"a holder whose clock is a minute ahead, renewing", -time.Minute, time.Second, false},
		{"unchanged for longer than the lease, as seen here", 0, leaseDuration + time.Second, true},
		{"stamped an hour ago: a holder that stopped", time.Hour, 0, true},
	} {
		if got := expired(lease(c.renewed), c.unchanged); got != c.want {
			t.Errorf("%s: expired = %v, want %v", c.name, got, c.want)
		}
	}
	if got := expired(&coordinationv1.Lease{}, 0); !got {
		t.Error("a lease with no renew time is not free")
	}
}

// TestSighting checks that a lease's unchanged time restarts whenever its resource version changes.
func TestSighting(t *testing.T) {
	var s sighting
	l := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "1"}}
	s.unchangedFor(l)
	s.since = s.since.Add(-time.Minute)
	if got := s.unchangedFor(l); got < time.Minute {
		t.Errorf("unchanged for %s after a minute; want at least a minute", got)
	}
	l.ResourceVersion = "2"
	if got := s.unchangedFor(l); got > time.Second {
		t.Errorf("unchanged for %s after a renewal; want about zero", got)
	}
}

package apply_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netops/netops/pkg/apply"
)

func TestLockKeepsTwoAppliesOfATargetApart(t *testing.T) {
	id := newID()
	home := target(t, "home", id)
	var ev events
	first := &gate{word: "applying", reached: make(chan struct{}), open: make(chan struct{}), log: ev.as("first")}
	a1, _ := newApplier(t, apply.Options{Holder: "first", Log: first})
	done1 := make(chan error, 1)
	go func() {
		_, err := a1.Apply(t.Context(), home)
		done1 <- err
	}()
	once := sync.OnceFunc(func() { close(first.open) })
	defer once()
	<-first.reached

	impatient, _ := newApplier(t, apply.Options{Holder: "second", LockTimeout: time.Second, Log: ev.as("second")})
	_, err := impatient.Apply(t.Context(), home)

	var lerr *apply.LockError
	if !errors.As(err, &lerr) {
		t.Fatalf("got %v (%T), want a *LockError", err, err)
	}
	if !strings.HasPrefix(lerr.Holder, "first") || lerr.Since.IsZero() || lerr.Target != home.Name {
		t.Errorf("the error names holder %q since %v of %q; want first's lock of %s", lerr.Holder, lerr.Since, lerr.Target, home.Name)
	}
	if !strings.Contains(err.Error(), "first") {
		t.Errorf("the message does not name the holder: %v", err)
	}

	waiting := &gate{word: "waiting for the lock", reached: make(chan struct{}), open: make(chan struct{}), log: ev.as("third")}
	close(waiting.open)
	patient, _ := newApplier(t, apply.Options{Holder: "third", LockTimeout: time.Minute, Log: waiting})
	done3 := make(chan error, 1)
	go func() {
		_, err := patient.Apply(t.Context(), home)
		done3 <- err
	}()
	<-waiting.reached
	once()

	if err := <-done1; err != nil {
		t.Fatalf("first: %v", err)
	}
	if err := <-done3; err != nil {
		t.Fatalf("third: %v", err)
	}
	ev.wantBefore(t, "first: "+home.Name+": Widget/", "third: "+home.Name+": applying")
}

// gate is a log that stops the first writer of a line holding word until open is closed.
type gate struct {
	word    string
	reached chan struct{}
	open    chan struct{}
	once    sync.Once
	log     lineWriter
}

func (g *gate) Write(p []byte) (int, error) {
	g.log(string(p))
	if strings.Contains(string(p), g.word) {
		g.once.Do(func() {
			close(g.reached)
			<-g.open
		})
	}
	return len(p), nil
}

// events is the log lines of several appliers, in the order they were written.
type events struct {
	mu    sync.Mutex
	lines []string
}

// lineWriter is a log that hands each write to a function.
type lineWriter func(string)

func (w lineWriter) Write(p []byte) (int, error) {
	w(string(p))
	return len(p), nil
}

func (e *events) as(name string) lineWriter {
	return func(line string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.lines = append(e.lines, name+": "+strings.TrimSpace(line))
	}
}

// wantBefore checks that every line starting with before comes before the first starting with after.
func (e *events) wantBefore(t *testing.T, before, after string) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	lastBefore, firstAfter := -1, -1
	for i, l := range e.lines {
		if strings.HasPrefix(l, before) {
			lastBefore = i
		}
		if strings.HasPrefix(l, after) && firstAfter < 0 {
			firstAfter = i
		}
	}
	if lastBefore < 0 || firstAfter < 0 || lastBefore > firstAfter {
		t.Errorf("want every %q line before the first %q line:\n%s", before, after, strings.Join(e.lines, "\n"))
	}
}

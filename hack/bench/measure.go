package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// sample is one run of one side of a workload: the wall time of its commands, one after the other,
// the CPU time they used, and the peak resident set of the largest of them, each as getrusage reports
// it to the launcher.
type sample struct {
	wall  time.Duration
	cpu   time.Duration   // user and system time of the child processes
	rss   int64           // KiB, as getrusage reports ru_maxrss on Linux
	parts []time.Duration // the wall time of each command
}

// command is one child process of a side.
type command struct {
	args   []string  // the program and its arguments
	env    []string  // added to the harness's environment
	dir    string    // the working directory; "" for the harness's
	stdout io.Writer // nil discards the output
	codes  []int     // the exit codes that mean success; nil for just 0
}

// launcher is the path of the launch command (hack/bench/launch), which runs a command and reports its
// figures from outside; setup builds it.
var launcher string

// interrupted is done when the harness is interrupted; it stops the command that runs, so that the
// harness can stop the control plane and remove its folder.
var interrupted = context.Background()

// run starts the command through the launcher, waits for it, and measures it from outside, as a user
// would see it.
func (c command) run() (sample, error) {
	stats, err := os.CreateTemp("", "netops-bench-stats-")
	if err != nil {
		return sample{}, err
	}
	stats.Close()
	defer os.Remove(stats.Name())
	cmd := exec.CommandContext(interrupted, launcher, append([]string{stats.Name()}, c.args...)...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Stdout = c.stdout
	if cmd.Stdout == nil {
		cmd.Stdout = io.Discard
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cmd.ProcessState == nil {
		return sample{}, fmt.Errorf("%s: %w", c, err)
	}
	code := cmd.ProcessState.ExitCode()
	if ok := slices.Contains(c.codes, code) || c.codes == nil && code == 0; !ok {
		return sample{}, fmt.Errorf("%s: exit code %d: %s", c, code, tail(stderr.String(), 2000))
	}
	data, err := os.ReadFile(stats.Name())
	if err != nil {
		return sample{}, err
	}
	var wall, cpu, rss int64
	if _, err := fmt.Sscan(string(data), &wall, &cpu, &rss); err != nil {
		return sample{}, fmt.Errorf("%s: the launcher's figures %q: %w", c, data, err)
	}
	return sample{wall: time.Duration(wall), cpu: time.Duration(cpu), rss: rss}, nil
}

// String is the command as it would be typed, with the environment it adds.
func (c command) String() string {
	var b strings.Builder
	for _, e := range c.env {
		b.WriteString(e + " ")
	}
	for i, a := range c.args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if strings.ContainsAny(a, " \"'$") {
			a = "'" + a + "'"
		}
		b.WriteString(a)
	}
	return b.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// side is what one tool does in a workload: commands run one after the other. prepare, when set,
// runs before each run, untimed; it gets the run's number, from 0 (the warm-up run).
type side struct {
	cmds    []command
	prepare func(run int) error
}

func (s side) run(i int) (sample, error) {
	if s.prepare != nil {
		if err := s.prepare(i); err != nil {
			return sample{}, err
		}
	}
	var total sample
	for _, c := range s.cmds {
		one, err := c.run()
		if err != nil {
			return sample{}, err
		}
		total.wall += one.wall
		total.cpu += one.cpu
		total.rss = max(total.rss, one.rss)
		total.parts = append(total.parts, one.wall)
	}
	return total, nil
}

// alternate runs both sides once untimed, to warm the page cache and the tools' own caches, then
// runs times each, alternating which goes first, so that a change in the machine's load falls on
// both alike. prepare, when set, runs before each round, untimed.
func alternate(runs int, prepare func(run int) error, a, b side) (as, bs []sample, err error) {
	for i := 0; i <= runs; i++ {
		if prepare != nil {
			if err := prepare(i); err != nil {
				return nil, nil, err
			}
		}
		first, second := &a, &b
		if i%2 == 1 {
			first, second = second, first
		}
		for _, s := range []*side{first, second} {
			one, err := s.run(i)
			if err != nil {
				return nil, nil, err
			}
			if i == 0 {
				continue
			}
			if s == &a {
				as = append(as, one)
			} else {
				bs = append(bs, one)
			}
		}
	}
	return as, bs, nil
}

// median of the wall times, or of the CPU times with cpu.
func median(samples []sample, cpu bool) time.Duration {
	d := make([]time.Duration, len(samples))
	for i, s := range samples {
		d[i] = s.wall
		if cpu {
			d[i] = s.cpu
		}
	}
	slices.Sort(d)
	n := len(d)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return d[n/2]
	}
	return (d[n/2-1] + d[n/2]) / 2
}

// partMedian is the median wall time of command i of a side.
func partMedian(samples []sample, i int) time.Duration {
	parts := make([]sample, len(samples))
	for j, s := range samples {
		parts[j] = sample{wall: s.parts[i]}
	}
	return median(parts, false)
}

// peak is the largest resident set of any run, in KiB.
func peak(samples []sample) int64 {
	var p int64
	for _, s := range samples {
		p = max(p, s.rss)
	}
	return p
}

// spread is the fastest and slowest wall time.
func spread(samples []sample) (lo, hi time.Duration) {
	for i, s := range samples {
		if i == 0 || s.wall < lo {
			lo = s.wall
		}
		hi = max(hi, s.wall)
	}
	return lo, hi
}

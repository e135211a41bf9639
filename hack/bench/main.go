// Command bench measures netops against the tools a user would otherwise put together (kustomize,
// helm, conftest, kubectl) on the same machine in the same run, and rewrites BENCHMARKS.md. make bench
// runs it from the repo's root (make bench BENCHFLAGS='-runs 9 -keep' passes flags):
//
//	go run ./hack/bench [-runs 7] [-only pr-check,check,floor,incremental,apply,gobench] [-out BENCHMARKS.md] [-keep]
//
// It builds netops from the working tree and the peers from the Go module proxy into
// ${NETOPS_CACHE:-~/.cache/netops} (the peers once per version), and kubectl, kube-apiserver and
// etcd with hack/testenv/build.sh. Every tool runs as a child process, measured from outside: wall
// time, CPU time and peak RSS (getrusage). Two more commands help the profiling:
//
//	go run ./hack/bench floor DIR                      # the YAML floor of a repo (see floor.go)
//	go run ./hack/bench profile -o cpu.prof -- ARGS…   # netops ARGS in-process under the CPU profiler
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	var err error
	args := os.Args[1:]
	switch {
	case len(args) > 0 && args[0] == "floor":
		err = floorCmd(args[1:])
	case len(args) > 0 && args[0] == "profile":
		err = profile(args[1:])
	default:
		err = run(args)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// workloads are the parts of a run, in the order they run.
var workloads = []string{"pr-check", "check", "floor", "incremental", "apply", "gobench"}

// bench is one run of the harness.
type bench struct {
	repo, cache, work string
	self, netops      string
	tools             map[string]string // peer name -> binary
	versions          map[string]string // tool -> version
	assets            string            // kube-apiserver, etcd and kubectl
	runs              int
	results           []*result
	gobench           []goBench
	started           time.Time
	loadBefore        string
}

// result is one workload's measurements.
type result struct {
	id, title    string
	sites        int
	netops, peer side
	prepare      func(run int) error
	netopsRuns   []sample
	peerRuns     []sample
	note         string
}

func run(args []string) error {
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	runs := fl.Int("runs", 7, "timed runs of each side of a workload (the 1000-site ones run 2 fewer, at least 3)")
	only := fl.String("only", strings.Join(workloads, ","), "the workloads to run, comma-separated: "+strings.Join(workloads, ", "))
	out := fl.String("out", "BENCHMARKS.md", "the file to write; - for stdout, the default when -only leaves a workload out")
	keep := fl.Bool("keep", false, "keep the work folder with the repos and the peers' inputs")
	if err := fl.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	interrupted = ctx
	b, err := setup(*runs)
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(b.work)
	} else {
		fmt.Fprintln(os.Stderr, "bench: work folder", b.work)
	}
	chosen := strings.Split(*only, ",")
	if !explicit(fl, "out") && len(chosen) < len(workloads) {
		*out = "-" // a partial run does not overwrite BENCHMARKS.md unless asked to
	}
	for _, w := range workloads {
		if !slices.Contains(chosen, w) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: %s\n", w)
		if err := b.workload(w); err != nil {
			return fmt.Errorf("%s: %w", w, err)
		}
	}
	return b.write(*out)
}

// explicit reports whether a flag was given on the command line.
func explicit(fl *flag.FlagSet, name string) bool {
	found := false
	fl.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

func (b *bench) workload(name string) error {
	var rs []*result
	var err error
	switch name {
	case "pr-check":
		rs, err = b.prCheck()
	case "check":
		rs, err = b.checkAtScale()
	case "floor":
		rs, err = b.floor()
	case "incremental":
		var r *result
		r, err = b.incremental()
		rs = []*result{r}
	case "apply":
		rs, err = b.applyWorkloads()
	case "gobench":
		b.gobench, err = b.goBenchmarks()
	}
	if err != nil {
		return err
	}
	b.results = append(b.results, rs...)
	return nil
}

// setup builds or finds every tool and makes the work folder.
func setup(runs int) (*bench, error) {
	repo, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(repo, "cmd", "netops")); err != nil {
		return nil, fmt.Errorf("run bench from the netops repo's root (make bench): %w", err)
	}
	cache := os.Getenv("NETOPS_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, err
		}
		cache = filepath.Join(home, ".cache", "netops")
	}
	b := &bench{repo: repo, cache: cache, runs: runs, tools: map[string]string{}, versions: map[string]string{},
		started: time.Now(), loadBefore: loadAverage()}
	if b.self, err = os.Executable(); err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr, "bench: building netops")
	if b.netops, err = buildNetops(repo, cache); err != nil {
		return nil, err
	}
	b.versions["netops"] = gitDescribe(repo)
	for _, p := range peers {
		bin, err := p.build(cache, os.Stderr)
		if err != nil {
			return nil, fmt.Errorf("building %s: %w", p.name, err)
		}
		b.tools[p.name] = bin
		b.versions[p.name] = p.version
		if v := moduleVersion(bin); v != "" && v != p.version {
			b.versions[p.name] += " (binary says " + v + ")"
		}
	}
	if b.assets, err = testenv(repo, os.Stderr); err != nil {
		return nil, err
	}
	b.tools["kubectl"] = filepath.Join(b.assets, "kubectl")
	k8s, etcd, _ := strings.Cut(filepath.Base(b.assets), "-etcd")
	b.versions["kubectl"], b.versions["kube-apiserver"], b.versions["etcd"] = k8s, k8s, "v"+strings.TrimPrefix(etcd, "v")
	if b.work, err = os.MkdirTemp("", "netops-bench-"); err != nil {
		return nil, err
	}
	return b, writePolicies(filepath.Join(b.work, "policy"))
}

// measure runs a workload and logs its medians.
func (b *bench) measure(r *result, runs int) error {
	var err error
	r.netopsRuns, r.peerRuns, err = alternate(runs, r.prepare, r.netops, r.peer)
	if err != nil {
		return err
	}
	n, p := median(r.netopsRuns, false), median(r.peerRuns, false)
	fmt.Fprintf(os.Stderr, "bench:   %-18s netops %8s  peer %8s  ratio %.2f\n", r.id, round(n), round(p), ratio(n, p))
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

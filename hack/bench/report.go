package main

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// analysis is the part of BENCHMARKS.md written by hand: what the profiles showed and what changed.
//
//go:embed analysis.md
var analysis string

// about says what each side of a workload does, so that a reader can judge the comparison.
var about = map[string]string{
	"pr-check": "netops checks the pull request against its base (the homelab on `main`, `plex` moved to another IP of its pool on `pr`), " +
		"renders every target and plans offline against the base: three processes, `netops check`, `render` and `plan`. " +
		"The peers build the same objects: `kustomize build` of one overlay per target (the target's objects that no chart makes, " +
		"as plain YAML, and for the cluster the Weave base with netops's images and environment as a JSON patch, as netops applies it), `helm template` of the " +
		"MetalLB release and the two Traefik releases with the values netops gives them, and `conftest test` of netops's Rego " +
		"over the policy input of the base and of the head (`policy.Input`, as JSON). netops does more: it loads the YAML, " +
		"resolves the plan, computes the facts the Rego reads, renders the base as well and diffs the two renders.",
	"render": "Then the render alone: `netops render --offline` of the homelab, one process that loads the plan and renders " +
		"every target, against the peers' `kustomize build` of the three overlays and `helm template` of the three releases " +
		"(the PR check's peer commands without conftest). The in-process render, `BenchmarkRender`, is held against the same " +
		"peers in the targets.",
	"check-1": "`netops check` of the synthetic repo of `pkg/policy/synth` (per site 20 networks, 200 addresses, 6 services, " +
		"a tenant; one cluster and one VPN) against `conftest test` of the same Rego over the policy input netops computes for " +
		"it. conftest is handed the input ready-made: it neither reads the YAML nor resolves the plan nor computes the facts.",
	"floor": "`netops check` of the 1000-site repo, and `netops validate` (load only: read, decode strictly, resolve), " +
		"against the YAML floor, `bench floor DIR`: read the same files and decode every document with gopkg.in/yaml.v3 " +
		"into Go values on every CPU, and nothing else (hack/bench/floor.go).",
	"incremental": "The 1000-site repo is checked once (untimed), then one site's file changes (a description), and " +
		"`netops check` runs again: against a full check of the same repo with an empty `NETOPS_CACHE`.",
	"apply-first": "500 ConfigMaps into a new namespace of the envtest kube-apiserver that the harness starts (and stops by " +
		"PID). netops: `netops apply --site` of a network repo whose one site renders them through an overlay (so it loads, " +
		"renders, locks the target, applies with fluxcd/pkg/ssa and writes the inventory). kubectl: `kubectl apply " +
		"--server-side` of the same objects, as netops renders them, into another new namespace.",
	"apply-unchanged": "The same apply again with nothing changed, on both sides.",
}

func (b *bench) write(out string) error {
	var w strings.Builder
	b.report(&w)
	if out == "-" {
		_, err := os.Stdout.WriteString(w.String())
		return err
	}
	return os.WriteFile(out, []byte(w.String()), 0o644)
}

func (b *bench) report(w *strings.Builder) {
	m := thisMachine()
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# Benchmarks")
	p("")
	p("<!-- Written by `make bench` (go run ./hack/bench). Change hack/bench/report.go or hack/bench/analysis.md, not this file. -->")
	p("")
	p("netops against what a user would otherwise put together (kustomize, helm, conftest, kubectl), in one run on one")
	p("machine. Each workload runs on both sides in turn, %d times after an untimed warm-up of each (the 1000-site workloads", b.runs)
	p("%d times), alternating which side goes first. Every tool runs as a child process of a small launcher", max(3, b.runs-2))
	p("(hack/bench/launch) and is measured from outside: wall time, CPU time and peak resident set (getrusage of the")
	p("child; the launcher's own 2 MiB or so count in the peak). Times are medians of the wall time. The machine is")
	p("shared, so read the ratios, which both sides share, before the absolute figures.")
	p("")
	p("## Machine")
	p("")
	p("| | |")
	p("|---|---|")
	p("| CPUs (nproc) | %d |", m.cpus)
	p("| Model | %s |", m.model)
	p("| Memory | %s |", m.memory)
	p("| OS | %s |", m.os)
	p("| Go | %s |", m.goVersion)
	p("| Load average (1, 5, 15 min) | %s before the run, %s after |", b.loadBefore, loadAverage())
	p("| Run | %s, %s |", b.started.UTC().Format("2006-01-02 15:04 MST"), time.Since(b.started).Round(time.Second))
	p("")
	p("## Versions")
	p("")
	p("| tool | version | built from |")
	p("|---|---|---|")
	p("| netops | %s | this tree: `go build -trimpath -ldflags='-s -w' ./cmd/netops` |", b.versions["netops"])
	for _, pe := range peers {
		p("| %s | %s | `go install %s@%s` into `$NETOPS_CACHE/peers/%s-%s/` |", pe.name, b.versions[pe.name], pe.pkg, pe.version, pe.name, pe.version)
	}
	for _, t := range []string{"kubectl", "kube-apiserver", "etcd"} {
		if b.versions[t] != "" {
			p("| %s | %s | `hack/testenv/build.sh --with-kubectl` |", t, b.versions[t])
		}
	}
	p("")
	b.resultTables(w)
	b.targets(w)
	b.scaling(w)
	b.goBenchTable(w)
	b.commands(w)
	w.WriteString(analysis)
}

func (b *bench) result(id string) *result {
	for _, r := range b.results {
		if r.id == id {
			return r
		}
	}
	return nil
}

func (b *bench) resultTables(w *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("## Results")
	p("")
	p("| workload | netops median | peer median | ratio | peak RSS (netops / peer) |")
	p("|---|---:|---:|---:|---:|")
	for _, r := range b.results {
		n, pe := median(r.netopsRuns, false), median(r.peerRuns, false)
		p("| %s | %s | %s | %.2f | %s / %s |", title(r), secs(n), secs(pe), ratio(n, pe), mib(peak(r.netopsRuns)), mib(peak(r.peerRuns)))
	}
	p("")
	p("The peer of the two floor rows is the YAML floor itself, and that of `incremental check` is netops's own full")
	p("check, so there the ratio is the multiple of the floor, and the share of a full check.")
	p("")
	p("CPU time (user and system, medians) and the spread of the wall times:")
	p("")
	p("| workload | runs | netops CPU | peer CPU | netops fastest – slowest | peer fastest – slowest |")
	p("|---|---:|---:|---:|---:|---:|")
	for _, r := range b.results {
		nl, nh := spread(r.netopsRuns)
		pl, ph := spread(r.peerRuns)
		p("| %s | %d | %s | %s | %s – %s | %s – %s |", title(r), len(r.netopsRuns), secs(median(r.netopsRuns, true)), secs(median(r.peerRuns, true)),
			secs(nl), secs(nh), secs(pl), secs(ph))
	}
	p("")
}

func title(r *result) string {
	switch r.id {
	case "floor", "load-floor":
		return r.title
	case "incremental":
		return "incremental check, 1 of 1000 sites changed"
	}
	return r.title
}

func (b *bench) targets(w *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("## Targets")
	p("")
	p("| target | measured | |")
	p("|---|---|---|")
	verdict := func(ok bool, miss string) string {
		if ok {
			return "met"
		}
		return "**missed**: " + miss
	}
	if r := b.result("pr-check"); r != nil {
		x := ratio(median(r.netopsRuns, false), median(r.peerRuns, false))
		p("| PR check ≤ 1/5 of the peers' time | %.2f× the peers' time | %s |", x, verdict(x <= 0.2, fmt.Sprintf("%.1f× over the target", x/0.2)))
	}
	if r, g := b.result("render"), b.goBench("BenchmarkRender"); r != nil && g != nil {
		in, pe := time.Duration(g.metrics["ns/op"]), median(r.peerRuns, false)
		x := ratio(in, pe)
		p("| render of the homelab in-process ≤ 1/5 of kustomize build + helm template ×3 | %.2f× (%s against %s) | %s |",
			x, secs(in), secs(pe), verdict(x <= 0.2, fmt.Sprintf("%.1f× over the target", x/0.2)))
	}
	if a, z := b.goBench("BenchmarkRenderSites/sites=100"), b.goBench("BenchmarkRenderSites/sites=1000"); a != nil && z != nil {
		x := z.metrics["ns/op"] / a.metrics["ns/op"]
		p("| render: 10× the sites ≤ 12× the time (100 → 1000, in-process) | %.1f× (exponent %.2f), %s allocated at 1000 | %s |",
			x, math.Log10(x), bytesOf(z.metrics["B/op"]), verdict(x <= 12, fmt.Sprintf("%.1f×", x)))
	}
	if r := b.result("check-1000"); r != nil {
		t, rss := median(r.netopsRuns, false), peak(r.netopsRuns)
		p("| 1000-site check ≤ 2 s and ≤ 1 GiB | %s, %s | %s |", secs(t), mib(rss),
			verdict(t <= 2*time.Second && rss <= 1<<20, fmt.Sprintf("%s over", secs(t-2*time.Second))))
	}
	if a, z := b.result("check-100"), b.result("check-1000"); a != nil && z != nil {
		x := ratio(median(z.netopsRuns, false), median(a.netopsRuns, false))
		p("| 10× the input ≤ 12× the time (100 → 1000 sites) | %.1f× (exponent %.2f) | %s |", x, math.Log10(x), verdict(x <= 12, fmt.Sprintf("%.1f×", x)))
	}
	if r := b.result("floor"); r != nil {
		x := ratio(median(r.netopsRuns, false), median(r.peerRuns, false))
		p("| check ≤ 3× the YAML floor | %.2f× | %s |", x, verdict(x <= 3, fmt.Sprintf("%.1f× over", x/3)))
	}
	if r := b.result("incremental"); r != nil {
		x := ratio(median(r.netopsRuns, false), median(r.peerRuns, false))
		p("| incremental check ≤ 10%% of a full one | %.0f%% | %s |", 100*x, verdict(x <= 0.1, fmt.Sprintf("%.1f× over", x/0.1)))
	}
	if r := b.result("apply-first"); r != nil {
		x := ratio(median(r.netopsRuns, false), median(r.peerRuns, false))
		p("| first apply ≤ 1× kubectl's time | %.2f× | %s |", x, verdict(x <= 1, fmt.Sprintf("%.0f%% over", 100*(x-1))))
	}
	if r := b.result("apply-unchanged"); r != nil {
		t := median(r.netopsRuns, false)
		p("| unchanged re-apply ≤ 2 s | %s (kubectl %s) | %s |", secs(t), secs(median(r.peerRuns, false)), verdict(t <= 2*time.Second, fmt.Sprintf("%s over", secs(t-2*time.Second))))
	}
	p("")
}

func (b *bench) scaling(w *strings.Builder) {
	var rs []*result
	for _, n := range sizes {
		if r := b.result(fmt.Sprintf("check-%d", n)); r != nil {
			rs = append(rs, r)
		}
	}
	if len(rs) < 2 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("## Scaling of check")
	p("")
	p("The exponent k between two sizes is log(t2/t1) / log(n2/n1): time grows as sites^k. The target, 10× the input for")
	p("at most 12× the time, is k ≤ %.2f.", math.Log10(12))
	p("")
	p("| sites | netops | netops CPU | × | k | conftest | × | k |")
	p("|---:|---:|---:|---:|---:|---:|---:|---:|")
	for i, r := range rs {
		n, pe := median(r.netopsRuns, false), median(r.peerRuns, false)
		if i == 0 {
			p("| %d | %s | %s | | | %s | | |", r.sites, secs(n), secs(median(r.netopsRuns, true)), secs(pe))
			continue
		}
		q := rs[i-1]
		n0, p0 := median(q.netopsRuns, false), median(q.peerRuns, false)
		lx := math.Log(float64(r.sites) / float64(q.sites))
		p("| %d | %s | %s | %.1f | %.2f | %s | %.1f | %.2f |", r.sites, secs(n), secs(median(r.netopsRuns, true)), ratio(n, n0), math.Log(ratio(n, n0))/lx,
			secs(pe), ratio(pe, p0), math.Log(ratio(pe, p0))/lx)
	}
	p("")
}

func (b *bench) goBenchTable(w *strings.Builder) {
	if len(b.gobench) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("## The stages in-process (go test -bench)")
	p("")
	p("Without process start-up, on the same machine in the same run. `cpu-ns/op` is the process's CPU time per")
	p("operation (the loader parses on every CPU). Commands:")
	p("")
	p("```")
	for _, args := range goBenchCommands {
		p("go %s", strings.Join(quoteAll(args), " "))
	}
	p("```")
	p("")
	p("| benchmark | wall per op | CPU per op | allocated per op | allocations per op |")
	p("|---|---:|---:|---:|---:|")
	for _, g := range b.gobench {
		cpu := "–"
		if v, ok := g.metrics["cpu-ns/op"]; ok {
			cpu = secs(time.Duration(v))
		}
		p("| %s | %s | %s | %s | %s |", g.name, secs(time.Duration(g.metrics["ns/op"])), cpu, bytesOf(g.metrics["B/op"]), count(g.metrics["allocs/op"]))
	}
	p("")
}

func (b *bench) commands(w *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("## The workloads and their commands")
	p("")
	p("`$WORK` is the harness's temporary folder, `$NETOPS_CACHE` the cache (`~/.cache/netops` by default); `make bench")
	p("BENCHFLAGS=-keep` keeps `$WORK`. The netops commands run with `NETOPS_CACHE=$WORK/netops-cache` unless shown otherwise.")
	p("")
	var groups []string
	members := map[string][]*result{}
	for _, r := range b.results {
		g := group(r.id)
		if members[g] == nil {
			groups = append(groups, g)
		}
		members[g] = append(members[g], r)
	}
	for _, g := range groups {
		rs := members[g]
		heading := rs[0].title
		switch g {
		case "pr-check":
			heading = "PR check and render of the homelab"
		case "check":
			heading = "check at 1, 10, 100 and 1000 sites"
		case "floor":
			heading = "check and load over the YAML floor, 1000 sites"
		case "apply":
			heading = fmt.Sprintf("first and unchanged apply, %d objects", applyObjects)
		}
		p("### %s", heading)
		p("")
		for _, r := range rs {
			if a := about[r.id]; a != "" {
				p("%s", a)
				p("")
			}
			if r.note != "" {
				p("%s", r.note)
				p("")
			}
		}
		if g == "pr-check" {
			b.breakdown(w, rs[0])
		}
		for _, s := range []string{"netops", "peer"} {
			p("%s:", s)
			p("")
			p("```")
			seen := map[string]bool{}
			for _, r := range rs {
				cmds := r.netops.cmds
				if s == "peer" {
					cmds = r.peer.cmds
				}
				for _, c := range cmds {
					if line := b.shorten(c); !seen[line] {
						seen[line] = true
						p("%s", line)
					}
				}
			}
			p("```")
			p("")
		}
	}
}

// breakdown lists the median wall time of each command of a workload.
func (b *bench) breakdown(w *strings.Builder, r *result) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("Median wall time of each command:")
	p("")
	p("| side | command | median |")
	p("|---|---|---:|")
	for _, s := range []struct {
		name string
		side side
		runs []sample
	}{{"netops", r.netops, r.netopsRuns}, {"peer", r.peer, r.peerRuns}} {
		for i, c := range s.side.cmds {
			line := strings.ReplaceAll(b.shorten(c), "$WORK/pr-check/", "")
			line = strings.Replace(line, c.args[0], filepath.Base(c.args[0]), 1)
			line = toolPath.ReplaceAllString(line, "$1")
			p("| %s | `%s` | %s |", s.name, line, secs(partMedian(s.runs, i)))
		}
	}
	p("")
}

// toolPath matches a tool's path in the cache, as shorten writes it.
var toolPath = regexp.MustCompile(`\$NETOPS_CACHE/(?:bench|peers/[^/ ]+)/([a-z]+)`)

// goBench finds an in-process benchmark's result by name.
func (b *bench) goBench(name string) *goBench {
	for i := range b.gobench {
		if b.gobench[i].name == name {
			return &b.gobench[i]
		}
	}
	return nil
}

// group is the workload a result belongs to.
func group(id string) string {
	switch {
	case id == "render":
		return "pr-check"
	case strings.HasPrefix(id, "check-"):
		return "check"
	case id == "load-floor":
		return "floor"
	case strings.HasPrefix(id, "apply-"):
		return "apply"
	}
	return id
}

// shorten writes a command with the harness's folders as variables.
func (b *bench) shorten(c command) string {
	s := c.String()
	s = strings.ReplaceAll(s, b.work, "$WORK")
	s = strings.ReplaceAll(s, b.cache, "$NETOPS_CACHE")
	s = strings.ReplaceAll(s, b.self, "bench")
	s = strings.ReplaceAll(s, "NETOPS_CACHE=$WORK/netops-cache ", "")
	return s
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if strings.ContainsAny(a, "|^$ ") {
			out[i] = "'" + a + "'"
		}
	}
	return out
}

func secs(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

func mib(kib int64) string { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

func bytesOf(v float64) string {
	switch {
	case v >= 1<<30:
		return fmt.Sprintf("%.2f GiB", v/(1<<30))
	case v >= 1<<20:
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	}
	return fmt.Sprintf("%.0f KiB", v/(1<<10))
}

func count(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f M", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.0f k", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

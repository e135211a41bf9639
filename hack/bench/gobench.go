package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// goBench is one line of go test -bench output.
type goBench struct {
	name    string
	metrics map[string]float64 // by unit: ns/op, cpu-ns/op, B/op, allocs/op
}

// goBenchCommands are the in-process benchmarks the harness runs too: each stage without process
// start-up. The apply benchmarks need a control plane of their own; the apply workloads stand for them.
var goBenchCommands = [][]string{
	{"test", "-run", "^$", "-bench", "BenchmarkLoad|BenchmarkCheck", "-benchtime", "5x", "-benchmem", "./pkg/policy/"},
	{"test", "-run", "^$", "-bench", ".", "-benchtime", "20x", "-benchmem", "./pkg/render/", "./pkg/plan/"},
}

func (b *bench) goBenchmarks() ([]goBench, error) {
	var out []goBench
	for _, args := range goBenchCommands {
		cmd := exec.Command("go", args...)
		cmd.Dir = b.repo
		cmd.Stderr = os.Stderr
		data, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(string(data), 2000))
		}
		out = append(out, parseBench(data)...)
	}
	return out, nil
}

func parseBench(data []byte) []goBench {
	var out []goBench
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		f := strings.Fields(s.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		g := goBench{name: trimProcs(f[0]), metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				g.metrics[f[i+1]] = v
			}
		}
		out = append(out, g)
	}
	return out
}

// trimProcs drops the -GOMAXPROCS suffix of a benchmark's name.
func trimProcs(name string) string {
	if i := strings.LastIndex(name, "-"); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

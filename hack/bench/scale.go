package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/pkg/policy/synth"
)

// sizes are the numbers of sites of the check-at-scale workload.
var sizes = []int{1, 10, 100, 1000}

// synthRepo writes the synthetic repo of n sites once, and its policy input as JSON for conftest.
func (b *bench) synthRepo(n int) (repo, input string, err error) {
	repo = filepath.Join(b.work, "synth", strconv.Itoa(n))
	input = filepath.Join(b.work, "synth", "input-"+strconv.Itoa(n)+".json")
	if _, err := os.Stat(input); err == nil {
		return repo, input, nil
	}
	if err := synth.Write(repo, n); err != nil {
		return "", "", err
	}
	p, err := load.Load(os.DirFS(repo))
	if err != nil {
		return "", "", err
	}
	data, err := json.Marshal(policy.Input(p))
	if err != nil {
		return "", "", err
	}
	return repo, input, os.WriteFile(input, data, 0o644)
}

// checkAtScale measures netops check of a synthetic repo of each size against conftest test with
// the same Rego over the policy input that netops computes for it.
func (b *bench) checkAtScale() ([]*result, error) {
	var out []*result
	for _, n := range sizes {
		repo, input, err := b.synthRepo(n)
		if err != nil {
			return nil, err
		}
		r := &result{
			id: fmt.Sprintf("check-%d", n), title: fmt.Sprintf("check, %d %s", n, plural(n, "site")), sites: n,
			netops: side{cmds: []command{b.netopsCheck(repo)}},
			peer: side{cmds: []command{{args: []string{b.tools["conftest"], "test", "--all-namespaces", "--no-color",
				"--policy", filepath.Join(b.work, "policy"), input}}}},
		}
		runs := b.runs
		if n == 1000 {
			runs = max(3, b.runs-2)
		}
		if err := b.measure(r, runs); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (b *bench) netopsCheck(repo string) command {
	return command{args: []string{b.netops, "check", "--repo", repo}, env: []string{"NETOPS_CACHE=" + filepath.Join(b.work, "netops-cache")}}
}

// floor measures netops check at 1000 sites against the YAML floor: reading and decoding the same
// files with yaml.v3 and nothing else, on every CPU (see floor.go); and netops validate, which only
// loads the plan, against the same floor.
func (b *bench) floor() ([]*result, error) {
	repo, _, err := b.synthRepo(1000)
	if err != nil {
		return nil, err
	}
	floor := side{cmds: []command{{args: []string{b.self, "floor", repo}}}}
	check := &result{id: "floor", title: "check over the YAML floor, 1000 sites", sites: 1000,
		netops: side{cmds: []command{b.netopsCheck(repo)}}, peer: floor}
	validate := &result{id: "load-floor", title: "load only (validate) over the YAML floor, 1000 sites", sites: 1000,
		netops: side{cmds: []command{{args: []string{b.netops, "validate", "--repo", repo}}}}, peer: floor}
	for _, r := range []*result{check, validate} {
		if err := b.measure(r, max(3, b.runs-2)); err != nil {
			return nil, err
		}
	}
	return []*result{check, validate}, nil
}

// incremental measures a check after one site of 1000 changed, against a full check of the same
// repo. Before each run the harness checks the repo once (untimed), so that netops may keep what it
// learns, then changes one more site; the full check gets an empty NETOPS_CACHE each time.
func (b *bench) incremental() (*result, error) {
	src, _, err := b.synthRepo(1000)
	if err != nil {
		return nil, err
	}
	repo := filepath.Join(b.work, "incremental")
	if err := os.CopyFS(repo, os.DirFS(src)); err != nil {
		return nil, err
	}
	warm := b.netopsCheck(repo)
	cold := filepath.Join(b.work, "cold-cache")
	full := command{args: warm.args, env: []string{"NETOPS_CACHE=" + cold}}
	r := &result{id: "incremental", title: "incremental check, 1 site of 1000 changed", sites: 1000,
		netops: side{cmds: []command{warm}, prepare: func(run int) error {
			if _, err := warm.run(); err != nil {
				return err
			}
			return touchSite(repo, run)
		}},
		peer: side{cmds: []command{full}, prepare: func(int) error { return os.RemoveAll(cold) }},
	}
	return r, b.measure(r, max(3, b.runs-2))
}

// touchSite changes the description of site number i.
func touchSite(repo string, i int) error {
	file := filepath.Join(repo, "sites", fmt.Sprintf("s%04d.yaml", i))
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	old := []byte("description: Generated site")
	if !bytes.Contains(data, old) {
		return fmt.Errorf("%s: no %q to change", file, old)
	}
	return os.WriteFile(file, bytes.Replace(data, old, []byte("description: Changed site"), 1), 0o644)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

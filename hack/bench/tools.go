package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// peer is a CLI that netops is measured against, built from the Go module proxy at a pinned version.
type peer struct {
	name    string // the binary
	pkg     string // the main package
	version string // the module version; each must build with the Go toolchain the repo uses
}

// peers are pinned here. kustomize v5.8.2 is the newest whose go.mod accepts Go 1.26 (v5.8.3 asks for
// 1.27) and it uses the same kustomize/api v0.21.2 as netops's krusty; helm is the version of the Helm
// SDK in go.mod; conftest v0.71.1 builds with Go 1.26.8.
var peers = []peer{
	{"kustomize", "sigs.k8s.io/kustomize/kustomize/v5", "v5.8.2"},
	{"helm", "helm.sh/helm/v3/cmd/helm", "v3.22.0"},
	{"conftest", "github.com/open-policy-agent/conftest", "v0.71.1"},
}

// dir is where the peer's binary is cached: <cache>/peers/<name>-<version>/.
func (p peer) dir(cache string) string {
	return filepath.Join(cache, "peers", p.name+"-"+p.version)
}

// build builds the peer into the cache unless it is there, and returns its path. It tries go install
// first, which refuses a module with replace directives; then it builds in a throwaway module.
func (p peer) build(cache string, log io.Writer) (string, error) {
	dir := p.dir(cache)
	bin := filepath.Join(dir, p.name)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), p.name+"-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(log, "bench: building %s %s from the module proxy into %s (minutes, once)\n", p.name, p.version, dir)
	env := []string{"GOBIN=" + tmp, "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0"}
	err = gocmd(tmp, env, "install", "-trimpath", "-ldflags=-s -w", p.pkg+"@"+p.version)
	if err != nil {
		fmt.Fprintf(log, "bench: go install %s@%s failed, building in a throwaway module: %v\n", p.pkg, p.version, err)
		err = p.buildInModule(tmp)
	}
	if err != nil {
		return "", err
	}
	out := filepath.Join(tmp, filepath.Base(p.pkg))
	if _, err := os.Stat(out); err != nil {
		out = filepath.Join(tmp, p.name)
	}
	if err := os.Rename(out, filepath.Join(tmp, "bin")); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return bin, os.Rename(filepath.Join(tmp, "bin"), bin)
}

// buildInModule builds the peer as a dependency of an empty module, which honours no replace
// directive of the peer's own go.mod but builds what go install will not.
func (p peer) buildInModule(dir string) error {
	mod := filepath.Join(dir, "mod")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		return err
	}
	env := []string{"GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0"}
	steps := [][]string{
		{"mod", "init", "netops.bench/peer"},
		{"get", p.pkg + "@" + p.version},
		{"build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, p.name), p.pkg},
	}
	for _, args := range steps {
		if err := gocmd(mod, env, args...); err != nil {
			return err
		}
	}
	return nil
}

func gocmd(dir string, env []string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 3000))
	}
	return nil
}

// buildNetops builds the netops binary of the working tree into the cache, as make build does, and
// the launcher that the harness measures every tool through.
func buildNetops(repo, cache string) (string, error) {
	bin := filepath.Join(cache, "bench", "netops")
	if err := gocmd(repo, nil, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./cmd/netops"); err != nil {
		return "", err
	}
	launcher = filepath.Join(cache, "bench", "launch")
	return bin, gocmd(repo, nil, "build", "-trimpath", "-o", launcher, "./hack/bench/launch")
}

// testenv builds (or finds) kube-apiserver, etcd and kubectl with hack/testenv/build.sh, and returns
// their folder, whose name carries the versions.
func testenv(repo string, log io.Writer) (string, error) {
	cmd := exec.Command(filepath.Join(repo, "hack", "testenv", "build.sh"), "--with-kubectl")
	cmd.Dir = repo
	cmd.Stderr = log
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hack/testenv/build.sh --with-kubectl: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	dir := lines[len(lines)-1]
	if _, err := os.Stat(filepath.Join(dir, "kubectl")); err != nil {
		return "", errors.New("hack/testenv/build.sh printed no folder with kubectl in it")
	}
	return dir, nil
}

// moduleVersion reads the main module's version that a Go binary was built from, as go version -m
// prints it; "" when it cannot tell.
func moduleVersion(bin string) string {
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "mod" {
			return f[2]
		}
	}
	return ""
}

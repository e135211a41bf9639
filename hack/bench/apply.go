package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fluxcd/pkg/ssa/utils"
	"github.com/go-logr/logr"
	"k8s.io/client-go/tools/clientcmd"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/netops/netops/internal/testcluster"
	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/render"
)

// applyObjects is the size of the apply workloads.
const applyObjects = 500

// applyWorkloads start a kube-apiserver and etcd (envtest, from hack/testenv), measure a first apply
// of 500 ConfigMaps, netops apply against kubectl apply --server-side, and an unchanged re-apply of
// them, then stop the control plane.
func (b *bench) applyWorkloads() (_ []*result, err error) {
	ctrllog.SetLogger(logr.Discard())
	env := testcluster.New("", b.assets)
	if _, err := env.Start(); err != nil {
		return nil, fmt.Errorf("starting envtest from %s: %w", b.assets, err)
	}
	defer func() {
		if serr := env.Stop(); serr != nil && err == nil {
			err = fmt.Errorf("stopping envtest: %w", serr)
		}
	}()
	dir := filepath.Join(b.work, "apply")
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeFile(kubeconfig, env.KubeConfig); err != nil {
		return nil, err
	}
	cfg, err := clientcmd.Load(env.KubeConfig)
	if err != nil {
		return nil, err
	}
	a := &applyBench{b: b, dir: dir, kubeconfig: kubeconfig, context: cfg.CurrentContext}
	first := &result{id: "apply-first", title: fmt.Sprintf("first apply, %d objects", applyObjects),
		netops:  side{cmds: []command{a.netopsApply("first")}},
		peer:    side{cmds: []command{a.kubectlApply("first")}},
		prepare: func(run int) error { return a.prepare("first", run) },
	}
	if err := b.measure(first, b.runs); err != nil {
		return nil, err
	}
	if err := a.prepare("again", 1000); err != nil {
		return nil, err
	}
	again := &result{id: "apply-unchanged", title: fmt.Sprintf("unchanged re-apply, %d objects", applyObjects),
		netops: side{cmds: []command{a.netopsApply("again")}},
		peer:   side{cmds: []command{a.kubectlApply("again")}},
	}
	if err := b.measure(again, b.runs); err != nil {
		return nil, err
	}
	return []*result{first, again}, nil
}

type applyBench struct {
	b                        *bench
	dir, kubeconfig, context string
}

// netopsApply applies the one site of the network repo at <dir>/<name>/repo.
func (a *applyBench) netopsApply(name string) command {
	return command{args: []string{a.b.netops, "apply", "--repo", filepath.Join(a.dir, name, "repo"), "--site", "bench",
		"--kubeconfig", a.kubeconfig, "--context", a.context},
		env: []string{"NETOPS_CACHE=" + filepath.Join(a.b.work, "netops-cache")}}
}

// kubectlApply applies <dir>/<name>/objects.yaml.
func (a *applyBench) kubectlApply(name string) command {
	return command{args: []string{a.b.tools["kubectl"], "--kubeconfig", a.kubeconfig, "apply", "--server-side",
		"-f", filepath.Join(a.dir, name, "objects.yaml")}}
}

// prepare writes, for run number run, a network repo whose one site, bench, renders 500 ConfigMaps
// (through an overlay) into namespace netops-<run>, and the same objects, as netops renders them, into
// namespace kubectl-<run> for kubectl; and it makes both namespaces. Each run thus applies to new
// namespaces; the site's target keeps the name bench, and netops's inventory of it is replaced.
func (a *applyBench) prepare(name string, run int) error {
	dir := filepath.Join(a.dir, name)
	repo := filepath.Join(dir, "repo")
	if err := os.RemoveAll(repo); err != nil {
		return err
	}
	ns := fmt.Sprintf("-%s-%d", name, run)
	files := map[string]string{
		"netops.yaml":                       "apiVersion: netops.dev/v1alpha1\nkind: Network\nname: apply-bench\n",
		"cluster.yaml":                      "apiVersion: netops.dev/v1alpha1\nkind: Cluster\nname: envtest\ntenant: ops\npodCIDR: 10.244.0.0/16\nserviceCIDR: 10.96.0.0/12\n---\napiVersion: netops.dev/v1alpha1\nkind: Tenant\nname: ops\n",
		"sites/bench.yaml":                  "apiVersion: netops.dev/v1alpha1\nkind: Site\nname: bench\n",
		"overlays/bench/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [configmaps.yaml]\n",
		"overlays/bench/configmaps.yaml":    configMaps("netops" + ns),
	}
	for f, data := range files {
		if err := writeFile(filepath.Join(repo, f), []byte(data)); err != nil {
			return err
		}
	}
	p, err := load.Load(os.DirFS(repo))
	if err != nil {
		return err
	}
	res, err := render.Render(context.Background(), p, render.WithRepo(os.DirFS(repo)))
	if err != nil {
		return err
	}
	t := res.Target("bench")
	if t == nil || len(t.Objects) != applyObjects {
		return fmt.Errorf("the apply repo renders %v, not %d objects", t, applyObjects)
	}
	for _, o := range t.Objects {
		o.SetNamespace("kubectl" + ns)
	}
	text, err := utils.ObjectsToYAML(t.Objects)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "objects.yaml"), []byte(text)); err != nil {
		return err
	}
	for _, n := range []string{"netops" + ns, "kubectl" + ns} {
		c := command{args: []string{a.b.tools["kubectl"], "--kubeconfig", a.kubeconfig, "create", "namespace", n}}
		if _, err := c.run(); err != nil {
			return err
		}
	}
	return nil
}

// configMaps is a YAML stream of 500 small ConfigMaps in namespace ns.
func configMaps(ns string) string {
	var b strings.Builder
	for i := range applyObjects {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%03d\n  namespace: %s\ndata:\n  value: %q\n", i, ns, fmt.Sprint(i))
	}
	return b.String()
}

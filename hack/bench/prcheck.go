package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/manifests"
	"github.com/netops/netops/pkg/load"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/policy"
	"github.com/netops/netops/pkg/render"
	"github.com/netops/netops/policies"
)

// The pull request of the PR-check workload: the homelab's plex moves to another IP of its pool,
// which changes a rendered Service and so gives the offline plan an object to diff.
const (
	prFile = "services.yaml"
	prOld  = "ip: 192.168.6.60"
	prNew  = "ip: 192.168.6.61"
)

// prCheck measures a pull request's check on the homelab: netops check, render and an offline plan
// against the PR's base, against kustomize build of one overlay per target, helm template of the
// three chart releases with the same values, and conftest test of the same Rego over the same input.
// Then the render on its own: netops render against kustomize build and helm template.
func (b *bench) prCheck() ([]*result, error) {
	dir := filepath.Join(b.work, "pr-check")
	repo := filepath.Join(dir, "homelab")
	peerDir := filepath.Join(dir, "peer")
	ex := &export{dir: peerDir, policy: filepath.Join(b.work, "policy"), helm: b.tools["helm"], kustomize: b.tools["kustomize"], conftest: b.tools["conftest"]}
	if err := b.homelabRepo(repo, ex); err != nil {
		return nil, err
	}
	head, err := ex.write(repo)
	if err != nil {
		return nil, fmt.Errorf("exporting the homelab for the peers: %w", err)
	}
	env := []string{"NETOPS_CACHE=" + filepath.Join(b.work, "netops-cache")}
	netops := side{cmds: []command{
		{args: []string{b.netops, "check", "--repo", repo, "--base", "main"}, env: env},
		{args: []string{b.netops, "render", "--repo", repo, "--offline"}, env: env},
		{args: []string{b.netops, "plan", "--repo", repo, "--offline", "--base", "main", "--offline-charts"}, env: env},
	}}
	r := &result{id: "pr-check", title: "PR check on the homelab", netops: netops, peer: side{cmds: ex.commands()}}
	r.note, err = ex.compare(head)
	if err != nil {
		return nil, err
	}
	if err := b.measure(r, b.runs); err != nil {
		return nil, err
	}
	rendered := &result{id: "render", title: "render of the homelab", netops: side{cmds: netops.cmds[1:2]},
		peer: side{cmds: ex.renderCommands()}}
	return []*result{r, rendered}, b.measure(rendered, b.runs)
}

// homelabRepo makes a git repo of examples/homelab: the example on main, and the pull request on
// branch pr, checked out. It exports the base's policy input for conftest before the change.
func (b *bench) homelabRepo(repo string, ex *export) error {
	if err := os.CopyFS(repo, os.DirFS(filepath.Join(b.repo, "examples", "homelab"))); err != nil {
		return err
	}
	gitEnv := []string{"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@netops.invalid",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@netops.invalid", "GIT_CONFIG_GLOBAL=/dev/null"}
	git := func(args ...string) error {
		cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir, cmd.Env = repo, append(os.Environ(), gitEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-qm", "the homelab"}, {"checkout", "-qb", "pr"}} {
		if err := git(args...); err != nil {
			return err
		}
	}
	if err := ex.input(repo, "base.json"); err != nil {
		return err
	}
	file := filepath.Join(repo, prFile)
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if !bytes.Contains(data, []byte(prOld)) {
		return fmt.Errorf("%s no longer has %q: update the PR-check change in hack/bench", prFile, prOld)
	}
	if err := os.WriteFile(file, bytes.Replace(data, []byte(prOld), []byte(prNew), 1), 0o644); err != nil {
		return err
	}
	return git("commit", "-qam", "plex moves to "+prNew)
}

// export writes what the peers read to do what netops does for the homelab: the objects of each
// target that come from neither a chart nor the Weave base as plain YAML under a kustomize overlay
// per target (the cluster's also holding the Weave base with the same images and patch), the charts
// with a values file per release, and the Rego with the policy input as JSON.
type export struct {
	dir, policy               string // the export, and the Rego for conftest
	helm, kustomize, conftest string
	releases                  []release
	targets                   []string
}

// release is a helm template run: a chart under a release name in a namespace, with values.
type release struct {
	name, chart, namespace string
	values                 map[string]any
	crds                   bool
}

// input writes the policy input of the repo's plan, which netops's check reads, as JSON for conftest.
func (ex *export) input(repo, name string) error {
	p, err := load.Load(os.DirFS(repo))
	if err != nil {
		return err
	}
	data, err := json.Marshal(policy.Input(p))
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(ex.dir, "input", name), data)
}

// write exports the repo's plan at head and returns netops's own render of it.
func (ex *export) write(repo string) (*render.Result, error) {
	fsys := os.DirFS(repo)
	p, err := load.Load(fsys)
	if err != nil {
		return nil, err
	}
	res, err := render.Render(context.Background(), p, render.WithRepo(fsys))
	if err != nil {
		return nil, err
	}
	if err := ex.input(repo, "head.json"); err != nil {
		return nil, err
	}
	if err := os.CopyFS(filepath.Join(ex.dir, "charts"), mustSub(manifests.FS, "charts")); err != nil {
		return nil, err
	}
	ex.releases = releasesOf(p, res)
	fromCharts := map[string]bool{}
	for _, rel := range ex.releases {
		if err := writeYAML(filepath.Join(ex.dir, "values", rel.name+".yaml"), rel.values); err != nil {
			return nil, err
		}
		objs, err := ex.run(ex.releaseArgs(rel))
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			fromCharts[key(o, rel.namespace)] = true
		}
	}
	for _, t := range res.Targets {
		if err := ex.overlay(t, fromCharts); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// writePolicies copies netops's built-in Rego, without its tests, for conftest.
func writePolicies(dir string) error {
	entries, err := fs.ReadDir(policies.FS, ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".rego") || strings.HasSuffix(e.Name(), "_test.rego") {
			continue
		}
		data, err := fs.ReadFile(policies.FS, e.Name())
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, e.Name()), data); err != nil {
			return err
		}
	}
	return nil
}

// releasesOf lists the chart releases netops renders for the plan, with the values netops gives
// them: the upstream chart keys that manifests/README.md lists, with the images that netops rendered.
func releasesOf(p *network.Plan, res *render.Result) []release {
	images := map[string]string{} // by container name
	for _, t := range res.Targets {
		for _, o := range t.Objects {
			cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
			for _, c := range cs {
				if m, ok := c.(map[string]any); ok {
					images[o.GetName()+"/"+fmt.Sprint(m["name"])] = fmt.Sprint(m["image"])
				}
			}
		}
	}
	repoTag := func(ref string) map[string]any {
		i := strings.LastIndex(ref, ":")
		return map[string]any{"repository": ref[:i], "tag": ref[i+1:]}
	}
	rels := []release{{name: "metallb", chart: "metallb", namespace: "metallb-system", crds: true, values: map[string]any{
		"controller": map[string]any{"image": repoTag(images["metallb-controller/controller"])},
		"speaker":    map[string]any{"image": repoTag(images["metallb-speaker/speaker"]), "frr": map[string]any{"enabled": false}},
		"frrk8s":     map[string]any{"enabled": false},
		"crds":       map[string]any{"enabled": true},
	}}}
	for _, s := range p.Services {
		if !s.Ingress {
			continue
		}
		img := repoTag(images[s.Name+"/traefik"])
		registry, repository, _ := strings.Cut(img["repository"].(string), "/")
		rels = append(rels, release{name: s.Name, chart: "traefik", namespace: s.Namespace, crds: len(rels) == 1, values: traefikValues(s, registry, repository, img["tag"].(string))})
	}
	return rels
}

// traefikValues are the values netops gives a Traefik instance (pkg/render/traefik.go).
func traefikValues(s *network.Service, registry, repository, tag string) map[string]any {
	ports := map[string]any{"web": map[string]any{"expose": map[string]any{"default": false}}, "websecure": map[string]any{"expose": map[string]any{"default": false}}}
	for _, p := range s.Ports {
		port := map[string]any{"exposedPort": p.Port, "protocol": string(p.Protocol), "expose": map[string]any{"default": true}}
		if p.Name != "web" && p.Name != "websecure" {
			port["port"] = p.TargetPort
		}
		ports[p.Name] = port
	}
	annotations := map[string]any{render.AnnotationLoadBalancerIPs: s.IP.String(), render.AnnotationAddressPool: s.Pool}
	if s.SharingKey != "" {
		annotations[render.AnnotationAllowSharedIP] = s.SharingKey
	}
	return map[string]any{
		"image":        map[string]any{"registry": registry, "repository": repository, "tag": tag},
		"ingressClass": map[string]any{"enabled": true, "isDefaultClass": false, "name": s.IngressClass},
		"providers": map[string]any{
			"kubernetesCRD":     map[string]any{"enabled": true, "ingressClass": s.IngressClass},
			"kubernetesIngress": map[string]any{"enabled": true, "ingressClass": s.IngressClass},
		},
		"ports":   ports,
		"service": map[string]any{"enabled": true, "type": "LoadBalancer", "annotations": annotations},
	}
}

func (ex *export) releaseArgs(rel release) []string {
	args := []string{ex.helm, "template", rel.name, filepath.Join(ex.dir, "charts", rel.chart), "--namespace", rel.namespace,
		"--values", filepath.Join(ex.dir, "values", rel.name+".yaml"), "--skip-tests"}
	if rel.crds {
		args = append(args, "--include-crds")
	}
	return args
}

// overlay writes kustomize/<target>/: the target's objects that no chart makes, and for a cluster
// target the Weave base with the images and the settings patch that netops rendered.
func (ex *export) overlay(t *render.Target, fromCharts map[string]bool) error {
	dir := filepath.Join(ex.dir, "kustomize", t.Name)
	resources := []any{"objects.yaml"}
	other := maps.Clone(fromCharts)
	for _, o := range t.Objects {
		if o.GetKind() != "DaemonSet" || o.GetNamespace() != "kube-system" || o.GetName() != "weave-net" {
			continue
		}
		if err := ex.weave(filepath.Join(dir, "weave"), o); err != nil {
			return err
		}
		objs, err := ex.run([]string{ex.kustomize, "build", filepath.Join(dir, "weave")})
		if err != nil {
			return err
		}
		for _, w := range objs {
			other[key(w, "")] = true
		}
		resources = append(resources, "weave")
	}
	var buf bytes.Buffer
	for _, o := range t.Objects {
		if other[key(o, "")] {
			continue
		}
		data, err := yaml.Marshal(o.Object)
		if err != nil {
			return err
		}
		buf.WriteString("---\n")
		buf.Write(data)
	}
	if err := writeFile(filepath.Join(dir, "objects.yaml"), buf.Bytes()); err != nil {
		return err
	}
	ex.targets = append(ex.targets, t.Name)
	return writeYAML(filepath.Join(dir, "kustomization.yaml"), map[string]any{
		"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources})
}

// weave writes the Weave base and a kustomization over it with the images of the rendered DaemonSet
// and a JSON patch of the weave container's environment, which, as in pkg/render/weave.go, spares
// kustomize loading its OpenAPI schema for a strategic merge.
func (ex *export) weave(dir string, ds *unstructured.Unstructured) error {
	if err := os.CopyFS(filepath.Join(dir, "base"), mustSub(manifests.FS, "bases/weave")); err != nil {
		return err
	}
	containers, _, _ := unstructured.NestedSlice(ds.Object, "spec", "template", "spec", "containers")
	var images []any
	var env any
	for _, c := range containers {
		m := c.(map[string]any)
		ref := fmt.Sprint(m["image"])
		i := strings.LastIndex(ref, ":")
		images = append(images, map[string]any{"name": ref[:i], "newTag": ref[i+1:]})
		if m["name"] == "weave" {
			env = m["env"]
		}
	}
	const container = "/spec/template/spec/containers/0"
	patch := []any{
		map[string]any{"op": "test", "path": container + "/name", "value": "weave"},
		map[string]any{"op": "replace", "path": container + "/env", "value": env},
	}
	target := map[string]any{"group": "apps", "version": "v1", "kind": "DaemonSet", "name": ds.GetName(), "namespace": ds.GetNamespace()}
	k := map[string]any{"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
		"resources": []any{"base"}, "images": images, "patches": []any{map[string]any{"path": "settings.yaml", "target": target}}}
	if err := writeYAML(filepath.Join(dir, "settings.yaml"), patch); err != nil {
		return err
	}
	return writeYAML(filepath.Join(dir, "kustomization.yaml"), k)
}

// commands are the peers' side of the PR check: renderCommands, then conftest.
func (ex *export) commands() []command {
	return append(ex.renderCommands(), command{args: []string{ex.conftest, "test", "--all-namespaces", "--no-color",
		"--policy", ex.policy, filepath.Join(ex.dir, "input", "base.json"), filepath.Join(ex.dir, "input", "head.json")}})
}

// renderCommands make the objects netops renders: kustomize build of each target's overlay and
// helm template of each release.
func (ex *export) renderCommands() []command {
	var cmds []command
	for _, t := range ex.targets {
		cmds = append(cmds, command{args: []string{ex.kustomize, "build", filepath.Join(ex.dir, "kustomize", t)}})
	}
	for _, rel := range ex.releases {
		cmds = append(cmds, command{args: ex.releaseArgs(rel)})
	}
	return cmds
}

// run runs a peer and reads the objects it prints.
func (ex *export) run(args []string) ([]*unstructured.Unstructured, error) {
	var out bytes.Buffer
	if _, err := (command{args: args, stdout: &out}).run(); err != nil {
		return nil, err
	}
	return decodeObjects(out.Bytes())
}

// compare checks that the peers make the objects netops renders, and says how alike they are once
// netops's own labels and source annotation are left out.
func (ex *export) compare(res *render.Result) (string, error) {
	ours := map[string]*unstructured.Unstructured{}
	for _, t := range res.Targets {
		for _, o := range t.Objects {
			ours[key(o, "")] = o
		}
	}
	theirs := map[string]*unstructured.Unstructured{}
	add := func(objs []*unstructured.Unstructured, ns string) {
		for _, o := range objs {
			theirs[key(o, ns)] = o
		}
	}
	for _, t := range ex.targets {
		objs, err := ex.run([]string{ex.kustomize, "build", filepath.Join(ex.dir, "kustomize", t)})
		if err != nil {
			return "", err
		}
		add(objs, "")
	}
	for _, rel := range ex.releases {
		objs, err := ex.run(ex.releaseArgs(rel))
		if err != nil {
			return "", err
		}
		add(objs, rel.namespace)
	}
	var missing, extra, differ []string
	var diff string
	same := 0
	for k, o := range ours {
		p, ok := theirs[k]
		if !ok {
			missing = append(missing, k)
			continue
		}
		a, b := normalize(o, ""), normalize(p, o.GetNamespace())
		if reflect.DeepEqual(a, b) {
			same++
			continue
		}
		differ = append(differ, k)
		if d := cmp.Diff(a, b); diff == "" || len(d) < len(diff) {
			diff = d
		}
	}
	for k := range theirs {
		if ours[k] == nil {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra) > 0 {
		slices.Sort(missing)
		slices.Sort(extra)
		return "", fmt.Errorf("the peers do not make the objects netops renders: missing %v, extra %v", missing, extra)
	}
	slices.Sort(differ)
	note := fmt.Sprintf("The peers make the same %d objects as `netops render`; %d are identical once netops's labels and source annotation are left out", len(ours), same)
	if len(differ) == 0 {
		return note + ".", nil
	}
	note += fmt.Sprintf(", %d differ (%s). The smallest difference (-netops +peer):\n\n```\n%s```", len(differ), strings.Join(differ, ", "), tail(diff, 3000))
	return note, nil
}

// key names an object kind/namespace/name; an object without a namespace gets ns when ns is given and
// its kind is namespaced, as netops puts a chart's objects in the release's namespace.
func key(o *unstructured.Unstructured, ns string) string {
	n := o.GetNamespace()
	if n == "" && ns != "" && namespaced(o) {
		n = ns
	}
	return o.GetKind() + "/" + n + "/" + o.GetName()
}

// namespaced tells the cluster-scoped kinds the homelab's charts make apart.
func namespaced(o *unstructured.Unstructured) bool {
	switch o.GetKind() {
	case "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Namespace", "IngressClass",
		"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "PriorityClass":
		return false
	}
	return true
}

// normalize is an object as JSON values, without netops's labels and source annotation, in namespace
// ns when it has none.
func normalize(o *unstructured.Unstructured, ns string) any {
	c := o.DeepCopy()
	if c.GetNamespace() == "" && ns != "" {
		c.SetNamespace(ns)
	}
	labels := c.GetLabels()
	delete(labels, render.LabelManagedBy)
	delete(labels, render.LabelSite)
	if len(labels) == 0 {
		labels = nil
	}
	c.SetLabels(labels)
	annotations := c.GetAnnotations()
	delete(annotations, render.AnnotationSource)
	if len(annotations) == 0 {
		annotations = nil
	}
	c.SetAnnotations(annotations)
	data, _ := json.Marshal(c.Object)
	var v any
	_ = json.Unmarshal(data, &v)
	return v
}

func decodeObjects(data []byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, doc := range bytes.Split(data, []byte("\n---")) {
		var m map[string]any
		if err := yaml.Unmarshal(append(doc, '\n'), &m); err != nil { // the newline that ends a block scalar
			return nil, err
		}
		if len(m) > 0 {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
	return out, nil
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, path.Clean(dir))
	if err != nil {
		panic(err)
	}
	return sub
}

func writeYAML(name string, v any) error {
	data, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	return writeFile(name, data)
}

func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

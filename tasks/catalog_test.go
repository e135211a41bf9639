package tasks_test

import (
	"bufio"
	"flag"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/tasks/internal/manifests"
	"github.com/netops/netops/tasks/internal/runner"
)

var update = flag.Bool("update", false, "rewrite ../catalog.yaml from tasks/")

// catalogFile is catalog.yaml, from the tasks/ folder the tests run in.
const catalogFile = "../catalog.yaml"

// triggersMinVersion is the oldest Tekton Triggers that has everything the triggers use: the
// v1beta1 API, ClusterInterceptor references with params, and the CEL extensions.
const triggersMinVersion = "0.24.0"

// gitClone is the Tekton catalog's git-clone, which the pipelines use.
var gitClone = manifests.External{
	Name:    "git-clone",
	Kind:    "Task",
	Version: "0.9",
	Source:  "https://github.com/tektoncd/catalog/tree/main/task/git-clone/0.9",
}

// wantCatalog is the catalog that tasks/ calls for.
func wantCatalog(t *testing.T) *manifests.Catalog {
	t.Helper()
	c := &manifests.Catalog{APIVersion: "netops.dev/v1alpha1", Kind: "Catalog"}
	kinds := map[string][]string{}
	for _, o := range objects(t) {
		if isSampleOrTest(o.File) {
			continue
		}
		switch v := o.Value.(type) {
		case *v1.Task:
			c.Entries = append(c.Entries, entry(t, o, v.ObjectMeta.Labels, v.Annotations, v.Spec.Description))
		case *v1.Pipeline:
			c.Entries = append(c.Entries, entry(t, o, v.ObjectMeta.Labels, v.Annotations, v.Spec.Description))
		default:
			kinds[o.File] = appendUnique(kinds[o.File], o.GVK.Kind)
		}
	}
	for file, ks := range kinds {
		sort.Strings(ks)
		c.Entries = append(c.Entries, manifests.Entry{
			Name: strings.TrimSuffix(path.Base(file), path.Ext(file)), Kind: "Triggers",
			Version: path.Base(path.Dir(file)), Path: "tasks/" + file, SHA256: sha(t, file),
			Description: firstComment(t, file), MinVersion: triggersMinVersion, Kinds: ks,
		})
	}
	sort.Slice(c.Entries, func(i, j int) bool { return c.Entries[i].Path < c.Entries[j].Path })
	ext := gitClone
	spec := runner.GitCloneSpec()
	for _, p := range spec.Params {
		ext.Params = append(ext.Params, p.Name)
	}
	for _, w := range spec.Workspaces {
		ext.Workspaces = append(ext.Workspaces, w.Name)
	}
	for _, r := range spec.Results {
		ext.Results = append(ext.Results, r.Name)
	}
	c.External = []manifests.External{ext}
	return c
}

func entry(t *testing.T, o manifests.Object, labels, annotations map[string]string, description string) manifests.Entry {
	return manifests.Entry{
		Name: o.Name, Kind: o.GVK.Kind, Version: labels["app.kubernetes.io/version"], Path: "tasks/" + o.File,
		SHA256: sha(t, o.File), Description: firstSentence(description), MinVersion: annotations["tekton.dev/pipelines.minVersion"],
	}
}

func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

func sha(t *testing.T, file string) string {
	t.Helper()
	sum, err := manifests.SHA256(file)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// firstSentence is a description's first sentence, on one line.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// firstComment is the first sentence of the comment a YAML file opens with.
func firstComment(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && strings.HasPrefix(sc.Text(), "#") {
		lines = append(lines, strings.TrimSpace(strings.TrimPrefix(sc.Text(), "#")))
	}
	if len(lines) == 0 {
		t.Errorf("%s opens with no comment to describe it", file)
	}
	return firstSentence(strings.Join(lines, " "))
}

const catalogHeader = `# The index of netops's Tekton tasks, pipelines and triggers under tasks/: name, version, path,
# sha256 of the file, description and minimum Tekton version (of Pipelines, or of Triggers for
# Triggers files), and the catalog tasks from elsewhere that the pipelines use.
# Generated: go test ./tasks -run TestCatalog -update. A test keeps it in step with tasks/.
`

func TestCatalogMatchesTasks(t *testing.T) {
	want := wantCatalog(t)
	if *update {
		data, err := yaml.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(catalogFile, append([]byte(catalogHeader), data...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := manifests.LoadCatalog(catalogFile)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("catalog.yaml does not match tasks/ (-want +got); run go test ./tasks -run TestCatalog -update:\n%s", diff)
	}
	for _, e := range got.Entries {
		if e.Description == "" || e.MinVersion == "" || e.Version == "" {
			t.Errorf("catalog entry %s lacks a description, a version or a minimum Tekton version", e.Path)
		}
	}
}

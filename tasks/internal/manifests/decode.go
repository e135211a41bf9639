package manifests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	triggersv1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Object is one YAML document, decoded into its Go type.
type Object struct {
	File  string // slash-separated path in the file system it was read from
	Index int    // the document's index in its file, from 0
	GVK   schema.GroupVersionKind
	Name  string // metadata.name, or metadata.generateName
	Value any    // a pointer: *v1.Task, *v1.Pipeline, *triggersv1.EventListener, *rbacv1.ClusterRole, ...
}

func (o Object) String() string {
	return fmt.Sprintf("%s/%s (%s, document %d)", o.GVK.Kind, o.Name, o.File, o.Index)
}

// kinds are the types a document may decode into, by apiVersion and kind.
var kinds = map[schema.GroupVersionKind]func() any{
	v1.SchemeGroupVersion.WithKind("Task"):                    func() any { return new(v1.Task) },
	v1.SchemeGroupVersion.WithKind("Pipeline"):                func() any { return new(v1.Pipeline) },
	v1.SchemeGroupVersion.WithKind("TaskRun"):                 func() any { return new(v1.TaskRun) },
	v1.SchemeGroupVersion.WithKind("PipelineRun"):             func() any { return new(v1.PipelineRun) },
	triggersv1.SchemeGroupVersion.WithKind("EventListener"):   func() any { return new(triggersv1.EventListener) },
	triggersv1.SchemeGroupVersion.WithKind("TriggerBinding"):  func() any { return new(triggersv1.TriggerBinding) },
	triggersv1.SchemeGroupVersion.WithKind("TriggerTemplate"): func() any { return new(triggersv1.TriggerTemplate) },
	corev1.SchemeGroupVersion.WithKind("ServiceAccount"):      func() any { return new(corev1.ServiceAccount) },
	corev1.SchemeGroupVersion.WithKind("Namespace"):           func() any { return new(corev1.Namespace) },
	rbacv1.SchemeGroupVersion.WithKind("Role"):                func() any { return new(rbacv1.Role) },
	rbacv1.SchemeGroupVersion.WithKind("RoleBinding"):         func() any { return new(rbacv1.RoleBinding) },
	rbacv1.SchemeGroupVersion.WithKind("ClusterRole"):         func() any { return new(rbacv1.ClusterRole) },
	rbacv1.SchemeGroupVersion.WithKind("ClusterRoleBinding"):  func() any { return new(rbacv1.ClusterRoleBinding) },
}

// IsYAML reports whether name is a YAML file.
func IsYAML(name string) bool {
	ext := path.Ext(name)
	return ext == ".yaml" || ext == ".yml"
}

// LoadAll decodes every YAML file in fsys, in lexical order of path.
func LoadAll(fsys fs.FS) ([]Object, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && IsYAML(name) {
			files = append(files, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var all []Object
	for _, f := range files {
		objs, err := LoadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		all = append(all, objs...)
	}
	return all, nil
}

// LoadFile decodes every document of one YAML file.
func LoadFile(fsys fs.FS, name string) ([]Object, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	docs, err := Documents(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	objs := make([]Object, 0, len(docs))
	for i, doc := range docs {
		o, err := Decode(doc)
		if err != nil {
			return nil, fmt.Errorf("%s (document %d): %w", name, i, err)
		}
		o.File, o.Index = name, i
		objs = append(objs, o)
	}
	return objs, nil
}

// Documents splits a YAML stream into its non-empty documents.
func Documents(data []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if hasContent(doc) {
			docs = append(docs, doc)
		}
	}
}

func hasContent(doc []byte) bool {
	for _, line := range strings.Split(string(doc), "\n") {
		t := strings.TrimSpace(line)
		if t != "" && t != "---" && !strings.HasPrefix(t, "#") {
			return true
		}
	}
	return false
}

// Decode decodes one document strictly into the type its apiVersion and kind name:
// an unknown field, a duplicate key or an unknown kind is an error.
func Decode(doc []byte) (Object, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return Object{}, err
	}
	gvk := tm.GroupVersionKind()
	newValue, ok := kinds[gvk]
	if !ok {
		return Object{}, fmt.Errorf("unknown kind %q of apiVersion %q", tm.Kind, tm.APIVersion)
	}
	v := newValue()
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		return Object{}, fmt.Errorf("%s: %w", gvk.Kind, err)
	}
	meta := v.(metav1.Object)
	name := meta.GetName()
	if name == "" {
		name = meta.GetGenerateName()
	}
	if name == "" {
		return Object{}, fmt.Errorf("%s has no metadata.name", gvk.Kind)
	}
	return Object{GVK: gvk, Name: name, Value: v}, nil
}

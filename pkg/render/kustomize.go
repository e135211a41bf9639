package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/pkg/network"
)

// kustomize builds the kustomization in folder dir of an in-memory file system, as kustomize build does.
func kustomize(mem filesys.FileSystem, dir string) ([]*unstructured.Unstructured, error) {
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(mem, dir)
	if err != nil {
		return nil, err
	}
	data, err := m.AsYaml()
	if err != nil {
		return nil, err
	}
	return decodeYAML(data)
}

// copyDir copies folder from of fsys, with everything in it, to folder to of mem.
func copyDir(fsys fs.FS, from string, mem filesys.FileSystem, to string) error {
	return fs.WalkDir(fsys, from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return mem.WriteFile(path.Join(to, strings.TrimPrefix(p, from+"/")), data)
	})
}

// writeYAML writes v, marshalled as YAML, to file name of mem.
func writeYAML(mem filesys.FileSystem, name string, v any) error {
	data, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	return mem.WriteFile(name, data)
}

// overlayDir is where a network repo keeps a target's extra Kustomize patches and resources.
const overlayDir = "overlays"

// overlay applies overlays/<target>/ of the network repo, a Kustomize Component, to the target's
// objects. Objects that the overlay adds have the overlay's kustomization.yaml as their source.
func (r *renderer) overlay(t *Target) error {
	dir := path.Join(overlayDir, t.Name)
	if r.opts.repo == nil {
		return nil
	}
	if _, err := fs.Stat(r.opts.repo, dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	objs, err := applyOverlay(r.opts.repo, t)
	if err != nil {
		return &OverlayError{Target: t.Name, Path: dir, Err: err}
	}
	t.Objects = nil
	t.add(network.Pos{File: path.Join(dir, "kustomization.yaml")}, objs...)
	return nil
}

func applyOverlay(repo fs.FS, t *Target) ([]*unstructured.Unstructured, error) {
	mem := filesys.MakeFsInMemory()
	if err := copyDir(repo, overlayDir, mem, "/"+overlayDir); err != nil {
		return nil, err
	}
	objects, err := marshalYAML(t.Objects)
	if err != nil {
		return nil, err
	}
	if err := mem.WriteFile("/netops/objects.yaml", objects); err != nil {
		return nil, err
	}
	k := types.Kustomization{
		TypeMeta:   types.TypeMeta{APIVersion: types.KustomizationVersion, Kind: types.KustomizationKind},
		Resources:  []string{"objects.yaml"},
		Components: []string{path.Join("..", overlayDir, t.Name)},
	}
	if err := writeYAML(mem, "/netops/kustomization.yaml", k); err != nil {
		return nil, fmt.Errorf("writing the kustomization: %w", err)
	}
	return kustomize(mem, "/netops")
}

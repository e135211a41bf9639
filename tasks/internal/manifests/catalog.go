package manifests

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// Catalog is catalog.yaml: the index of every task, pipeline and trigger file under tasks/,
// and the catalog tasks from elsewhere that the pipelines use.
type Catalog struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Entries    []Entry    `json:"entries"`
	External   []External `json:"external,omitempty"`
}

// Entry is one file under tasks/.
type Entry struct {
	Name        string   `json:"name"`    // the Task's or Pipeline's name; for triggers, the file's
	Kind        string   `json:"kind"`    // Task, Pipeline or Triggers
	Version     string   `json:"version"` // the version folder it is in
	Path        string   `json:"path"`    // from the top of the repo
	SHA256      string   `json:"sha256"`
	Description string   `json:"description"`
	MinVersion  string   `json:"minVersion"` // of Tekton Pipelines, or of Tekton Triggers for Triggers
	Kinds       []string `json:"kinds,omitempty"`
}

// External is a Task from another catalog that a pipeline here refers to by name.
type External struct {
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Version    string   `json:"version"`
	Source     string   `json:"source"`
	Params     []string `json:"params"`
	Workspaces []string `json:"workspaces"`
	Results    []string `json:"results"`
}

// LoadCatalog reads and strictly decodes a catalog file.
func LoadCatalog(file string) (*Catalog, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var c Catalog
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &c, nil
}

// SHA256 is the hex sha256 of a file.
func SHA256(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

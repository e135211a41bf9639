package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cache keeps packaged charts on disk under their sha256 digest, so that a pinned chart is downloaded once.
type cache struct {
	dir string // "" for no cache
}

func (c cache) path(digest string) string {
	algorithm, sum, _ := strings.Cut(digest, ":")
	return filepath.Join(c.dir, algorithm, sum+".tgz")
}

// get returns the chart with this digest, if the cache holds it intact.
func (c cache) get(digest string) ([]byte, bool) {
	if c.dir == "" || digest == "" {
		return nil, false
	}
	data, err := os.ReadFile(c.path(digest))
	if err != nil || digestOf(data) != digest {
		return nil, false
	}
	return data, true
}

// put stores a chart whose digest was checked, writing a temporary file first so that readers never
// see part of one.
func (c cache) put(digest string, data []byte) error {
	if c.dir == "" {
		return nil
	}
	p := c.path(digest)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("chart cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".download-*")
	if err != nil {
		return fmt.Errorf("chart cache: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("chart cache: %w", err)
	}
	return nil
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/netops/netops/pkg/load"
)

// floorCmd is the YAML floor: it reads every plan file of the repo in dir (the files load reads) and
// decodes each document with yaml.v3 into Go values, on every CPU, and does nothing else. No tool that
// reads the repo's YAML with the usual Go library can be faster; netops check is reported as a
// multiple of it.
func floorCmd(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: bench floor DIR")
	}
	fsys := os.DirFS(args[0])
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || isReserved(p)):
			return fs.SkipDir
		case !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var docs atomic.Int64
	var firstErr error
	var once sync.Once
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for f := range next {
				n, err := decodeFile(fsys, f)
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("%s: %w", f, err) })
				}
				docs.Add(int64(n))
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	fmt.Printf("%d files, %d documents\n", len(files), docs.Load())
	return nil
}

func decodeFile(fsys fs.FS, name string) (int, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return 0, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

func isReserved(p string) bool {
	for _, r := range load.Reserved {
		if p == r {
			return true
		}
	}
	return false
}

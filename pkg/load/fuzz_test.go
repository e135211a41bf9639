package load_test

import (
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/netops/netops/pkg/load"
)

// FuzzLoad replaces one file of the example with the fuzzer's bytes: Load must never panic, and every
// error it returns must name a file.
func FuzzLoad(f *testing.F) {
	ex := exampleFiles(f)
	for _, data := range ex {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for name, d := range ex {
			fsys[name] = &fstest.MapFile{Data: d}
		}
		fsys["sites/home.yaml"] = &fstest.MapFile{Data: data}
		_, err := load.Load(fsys)
		if err == nil {
			return
		}
		var list load.Errors
		if !errors.As(err, &list) {
			t.Fatalf("error is not load.Errors: %v", err)
		}
		for _, e := range list {
			if e.Pos.File == "" || e.Msg == "" {
				t.Fatalf("error without a file or message: %#v", e)
			}
		}
	})
}

func exampleFiles(f *testing.F) map[string][]byte {
	files := map[string][]byte{}
	root := os.DirFS(example)
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, p)
		files[p] = b
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	return files
}

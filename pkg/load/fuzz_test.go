package load_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
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

// FuzzNested builds a site file nested depth deep and width wide out of the fuzzer's pieces (brackets,
// braces, block mappings, "- " entries, unknown keys): Load must never panic, and must refuse what
// passes the depth limit with an error that names it.
func FuzzNested(f *testing.F) {
	f.Add(uint32(10), uint32(10), []byte("[{m-k"))
	f.Add(uint32(100000), uint32(1), []byte("["))
	f.Add(uint32(3), uint32(80000), []byte("k"))
	f.Add(uint32(70), uint32(2), []byte("m-"))
	f.Fuzz(func(t *testing.T, depth, width uint32, shape []byte) {
		depth, width = depth%200000, width%100000
		data := nested(int(depth), int(width), shape)
		fsys := fstest.MapFS{"netops.yaml": &fstest.MapFile{Data: data}}
		_, err := load.Load(fsys)
		if deep := int(depth) > load.DefaultDepth+1 && len(shape) > 0 && len(bytes.Trim(shape, "[{")) == 0; deep && (err == nil || !strings.Contains(err.Error(), load.EnvDepth)) {
			t.Fatalf("%d brackets deep: got %v, want the depth limit", depth, err)
		}
		if err == nil {
			return
		}
		var list load.Errors
		if !errors.As(err, &list) {
			t.Fatalf("error is not load.Errors: %v", err)
		}
	})
}

// nested writes a Network document whose description is nested depth deep in the shapes given, one
// after another, with width unknown keys or entries at the innermost level.
func nested(depth, width int, shape []byte) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: netops.dev/v1alpha1\nkind: Network\nname: home\nx:\n")
	if len(shape) == 0 {
		shape = []byte("m")
	}
	var closing []string
	indent := "  "
	for i := 0; i < depth && b.Len() < 8<<20; i++ {
		switch shape[i%len(shape)] {
		case '[':
			b.WriteString("[")
			closing = append(closing, "]")
		case '{':
			b.WriteString("{a: ")
			closing = append(closing, "}")
		case '-':
			b.WriteString(indent + "- ")
			indent += "  "
		default:
			b.WriteString(indent + "k:\n")
			indent += "  "
		}
	}
	for i := 0; i < width && b.Len() < 8<<20; i++ {
		fmt.Fprintf(&b, "%sk%d: v\n", indent, i)
	}
	for i := len(closing) - 1; i >= 0; i-- {
		b.WriteString(closing[i])
	}
	return []byte(b.String())
}

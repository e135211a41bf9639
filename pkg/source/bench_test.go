package source_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
)

// BenchmarkTreeRead reads every file of a commit whose sites/ folder holds n files, as the loader
// does at a revision: the time per file should not grow with n.
func BenchmarkTreeRead(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := cliRepo(b)
			for i := range n {
				writeFile(b, filepath.Join(dir, "sites", fmt.Sprintf("s%05d.yaml", i)), yaml(fmt.Sprintf("s%05d", i)))
			}
			commit(b, dir, "sites", nil)
			repo := open(b, dir)
			b.ResetTimer()
			for b.Loop() {
				fsys, _, err := repo.FS(context.Background(), "main")
				if err != nil {
					b.Fatal(err)
				}
				read := 0
				err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					_, err = fs.ReadFile(fsys, name)
					read++
					return err
				})
				if err != nil || read != n {
					b.Fatalf("read %d of %d files: %v", read, n, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/file")
		})
	}
}

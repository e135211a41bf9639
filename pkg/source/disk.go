package source

import (
	"io/fs"
	"os"
	"slices"
	"strings"
)

// diskFS is the files of a folder on disk, without .git, refusing symlinks that leave the folder.
type diskFS struct {
	root *os.Root
	fsys fs.FS
}

var (
	_ fs.ReadDirFS  = diskFS{}
	_ fs.ReadFileFS = diskFS{}
	_ fs.StatFS     = diskFS{}
)

func newDiskFS(root *os.Root) diskFS {
	return diskFS{root: root, fsys: root.FS()}
}

func (d diskFS) Open(name string) (fs.File, error) {
	real, err := d.resolve("open", name)
	if err != nil {
		return nil, err
	}
	f, err := d.fsys.Open(real)
	if err != nil {
		return nil, err
	}
	if dir, ok := f.(fs.ReadDirFile); ok && isDir(f) {
		return diskDir{dir}, nil
	}
	return f, nil
}

func isDir(f fs.File) bool {
	info, err := f.Stat()
	return err == nil && info.IsDir()
}

func (d diskFS) ReadFile(name string) ([]byte, error) {
	real, err := d.resolve("read", name)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(d.fsys, real)
}

func (d diskFS) Stat(name string) (fs.FileInfo, error) {
	real, err := d.resolve("stat", name)
	if err != nil {
		return nil, err
	}
	return fs.Stat(d.fsys, real)
}

func (d diskFS) ReadDir(name string) ([]fs.DirEntry, error) {
	real, err := d.resolve("readdir", name)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(d.fsys, real)
	return withoutGit(entries), err
}

func withoutGit(entries []fs.DirEntry) []fs.DirEntry {
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.Name() == ".git" })
}

// diskDir is an open folder on disk whose listing leaves out .git.
type diskDir struct {
	fs.ReadDirFile
}

// ReadDir follows fs.ReadDirFile: with n > 0 it returns an entry or an error.
func (d diskDir) ReadDir(n int) ([]fs.DirEntry, error) {
	for {
		entries, err := d.ReadDirFile.ReadDir(n)
		entries = withoutGit(entries)
		if len(entries) > 0 || err != nil || n <= 0 {
			return entries, err
		}
	}
}

// resolve checks name and follows its symlinks.
func (d diskFS) resolve(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if isGitDir(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	real, err := follow(d, name)
	if err != nil {
		return "", pathError(op, name, "", err)
	}
	if isGitDir(real) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return real, nil
}

// isGitDir reports whether name is in a .git folder, which a revision never holds.
func isGitDir(name string) bool {
	return slices.Contains(strings.Split(name, "/"), ".git")
}

func (d diskFS) lstat(name string) (fs.FileMode, error) {
	info, err := d.root.Lstat(name)
	if err != nil {
		return 0, err
	}
	return info.Mode(), nil
}

func (d diskFS) readlink(name string) (string, error) {
	return d.root.Readlink(name)
}

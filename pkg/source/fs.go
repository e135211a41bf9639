package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// FS returns the files of the network repo at rev, and the commit it names.
// rev "" is the working tree of a local folder, read from disk, or HEAD for a clone
// or bare repository. Any other rev is a branch, tag, remote branch, full or short SHA,
// or an expression such as main~2, read from git without touching the working tree.
// A symlink that is absolute or leaves the repository fails to open with a *SymlinkError.
// For a folder below the top of its work tree, the files are that folder's at rev, and a
// symlink must stay inside that folder, as on disk.
func (r *Repo) FS(ctx context.Context, rev string) (fs.FS, Revision, error) {
	if rev == "" && r.root != nil {
		return newDiskFS(r.root), Revision{}, nil
	}
	if rev == "" {
		rev = "HEAD"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, Revision{}, err
	}
	tree, err := c.Tree()
	if err == nil && r.sub != "" {
		tree, err = tree.Tree(r.sub)
		if errors.Is(err, object.ErrDirectoryNotFound) {
			return nil, Revision{}, &MissingFolderError{Location: r.location, Folder: r.sub, Revision: newRevision(rev, c)}
		}
	}
	if err != nil {
		return nil, Revision{}, fmt.Errorf("reading the files of revision %q in %s: %w; check the repository with git fsck", rev, r.location, err)
	}
	fsys := &treeFS{mu: &r.mu, store: r.git.Storer, root: tree, rev: rev, time: c.Committer.When, dirs: map[string]folder{}}
	return fsys, newRevision(rev, c), nil
}

// treeFS is the tree of a commit as a read-only file system. Submodules are left out.
type treeFS struct {
	mu    *sync.Mutex // the Repo's: go-git storage is not safe for concurrent use
	store storer.EncodedObjectStorer
	root  *object.Tree
	rev   string
	time  time.Time         // the commit's time, given as every file's modification time
	dirs  map[string]folder // the folders decoded so far, by path ("" is the top)
}

// folder is a decoded tree, its entries indexed by name; submodules are left out.
type folder map[string]node

var (
	_ fs.ReadDirFS  = (*treeFS)(nil)
	_ fs.ReadFileFS = (*treeFS)(nil)
	_ fs.StatFS     = (*treeFS)(nil)
)

// node is one entry of the tree, at a path free of links.
type node struct {
	path string
	mode filemode.FileMode
	hash plumbing.Hash
}

func (t *treeFS) Open(name string) (fs.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.find("open", name)
	if err != nil {
		return nil, err
	}
	f, err := t.open(path.Base(name), n)
	if err != nil {
		return nil, pathError("open", name, t.rev, err)
	}
	return f, nil
}

func (t *treeFS) open(name string, n node) (fs.File, error) {
	info := t.info(name, n)
	if n.mode == filemode.Dir {
		entries, err := t.entries(n)
		return &dir{info: info, entries: entries}, err
	}
	data, err := t.read(n)
	return &file{info: info, Reader: bytes.NewReader(data)}, err
}

func (t *treeFS) ReadFile(name string) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.find("read", name)
	if err != nil {
		return nil, err
	}
	if n.mode == filemode.Dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errIsDir}
	}
	data, err := t.read(n)
	return data, pathError("read", name, t.rev, err)
}

func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.find("stat", name)
	if err != nil {
		return nil, err
	}
	return t.info(path.Base(name), n), nil
}

func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.find("readdir", name)
	if err != nil {
		return nil, err
	}
	if n.mode != filemode.Dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errNotDir}
	}
	entries, err := t.entries(n)
	return entries, pathError("readdir", name, t.rev, err)
}

var (
	errIsDir  = errors.New("is a directory")
	errNotDir = errors.New("not a directory")
)

// find checks name and follows its symlinks to the node it names.
func (t *treeFS) find(op, name string) (node, error) {
	if !fs.ValidPath(name) {
		return node{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	real, err := follow(t, name)
	if err != nil {
		return node{}, pathError(op, name, t.rev, err)
	}
	n, err := t.node(real)
	return n, pathError(op, name, t.rev, err)
}

// node looks up a path whose folders are not links.
func (t *treeFS) node(name string) (node, error) {
	if name == "." || name == "" {
		return node{path: ".", mode: filemode.Dir, hash: t.root.Hash}, nil
	}
	dir, err := t.folder(parent(name))
	if err != nil {
		return node{}, err
	}
	n, ok := dir[path.Base(name)]
	if !ok {
		return node{}, fs.ErrNotExist
	}
	return n, nil
}

// folder is the folder at a path whose folders are not links, decoded once per FS.
func (t *treeFS) folder(name string) (folder, error) {
	if dir, ok := t.dirs[name]; ok {
		return dir, nil
	}
	tree := t.root
	if name != "" {
		n, err := t.node(name)
		if err != nil {
			return nil, err
		}
		if n.mode != filemode.Dir {
			return nil, fs.ErrNotExist
		}
		if tree, err = object.GetTree(t.store, n.hash); err != nil {
			return nil, err
		}
	}
	dir := make(folder, len(tree.Entries))
	for _, e := range tree.Entries {
		if e.Mode != filemode.Submodule {
			dir[e.Name] = node{path: path.Join(name, e.Name), mode: e.Mode, hash: e.Hash}
		}
	}
	t.dirs[name] = dir
	return dir, nil
}

func (t *treeFS) lstat(name string) (fs.FileMode, error) {
	n, err := t.node(name)
	if err != nil {
		return 0, err
	}
	return fileMode(n.mode), nil
}

func (t *treeFS) readlink(name string) (string, error) {
	n, err := t.node(name)
	if err != nil {
		return "", err
	}
	data, err := t.read(n)
	return string(data), err
}

func (t *treeFS) read(n node) ([]byte, error) {
	blob, err := object.GetBlob(t.store, n.hash)
	if err != nil {
		return nil, err
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// entries lists a folder, sorted by name, without submodules.
func (t *treeFS) entries(n node) ([]fs.DirEntry, error) {
	name := n.path
	if name == "." {
		name = ""
	}
	dir, err := t.folder(name)
	if err != nil {
		return nil, err
	}
	entries := make([]fs.DirEntry, 0, len(dir))
	for _, child := range dir {
		entries = append(entries, &dirEntry{fs: t, node: child})
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// info describes a node; the caller holds t.mu.
func (t *treeFS) info(name string, n node) *fileInfo {
	info := &fileInfo{name: name, mode: fileMode(n.mode), time: t.time, hash: n.hash}
	if n.mode.IsFile() {
		if blob, err := object.GetBlob(t.store, n.hash); err == nil {
			info.size = blob.Size
		}
	}
	return info
}

func fileMode(m filemode.FileMode) fs.FileMode {
	switch m {
	case filemode.Dir:
		return fs.ModeDir | 0o755
	case filemode.Executable:
		return 0o755
	case filemode.Symlink:
		return fs.ModeSymlink | 0o777
	}
	return 0o644
}

// fileInfo describes a file or folder of the tree. Sys returns its git object hash.
type fileInfo struct {
	name string
	size int64
	mode fs.FileMode
	time time.Time
	hash plumbing.Hash
}

func (i *fileInfo) Name() string       { return i.name }
func (i *fileInfo) Size() int64        { return i.size }
func (i *fileInfo) Mode() fs.FileMode  { return i.mode }
func (i *fileInfo) ModTime() time.Time { return i.time }
func (i *fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i *fileInfo) Sys() any           { return i.hash }

// dirEntry is an entry of a folder; symlinks are not followed.
type dirEntry struct {
	fs   *treeFS
	node node
}

func (e *dirEntry) Name() string      { return path.Base(e.node.path) }
func (e *dirEntry) IsDir() bool       { return e.node.mode == filemode.Dir }
func (e *dirEntry) Type() fs.FileMode { return fileMode(e.node.mode).Type() }

func (e *dirEntry) Info() (fs.FileInfo, error) {
	e.fs.mu.Lock()
	defer e.fs.mu.Unlock()
	return e.fs.info(e.Name(), e.node), nil
}

// file is an open file, read into memory.
type file struct {
	info *fileInfo
	*bytes.Reader
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Close() error               { return nil }

// dir is an open folder.
type dir struct {
	info    *fileInfo
	entries []fs.DirEntry
	offset  int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Close() error               { return nil }

func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errIsDir}
}

// ReadDir follows fs.ReadDirFile: n <= 0 returns the rest, n > 0 at most n entries or io.EOF.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.offset:]
	if n <= 0 {
		d.offset = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.offset += n
	return rest[:n], nil
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// extraOutput is one --write FORMAT=FILE: the same result in another format, to a file, so that one
// run gives every report and all of them describe the same result.
type extraOutput[W any] struct {
	format, path string
	writer       W
}

// bindWrite adds the repeatable --write flag to a command.
func bindWrite(cmd *cobra.Command, values *[]string, formats string) {
	cmd.Flags().StringArrayVar(values, "write", nil, "also write the result in FORMAT to FILE, as FORMAT=FILE, such as json=check.json; repeatable; formats: "+formats)
}

// parseWrites reads the --write values, finding each format's writer with newWriter before any work
// starts, so that a typo fails at once.
func parseWrites[W any](values []string, newWriter func(format string) (W, error)) ([]extraOutput[W], error) {
	var out []extraOutput[W]
	seen := map[string]bool{}
	for _, v := range values {
		format, path, ok := strings.Cut(v, "=")
		switch ext := filepath.Ext(path); {
		case !ok || format == "" || path == "":
			return nil, fmt.Errorf("--write %q: give FORMAT=FILE, such as json=check.json", v)
		case seen[filepath.Clean(path)]:
			return nil, fmt.Errorf("--write %q: %s is named twice; give each format its own file", v, path)
		case ext == ".yaml" || ext == ".yml":
			return nil, fmt.Errorf("--write %q: %s would be read as a plan file; give the report another name, such as check.json", v, path)
		}
		seen[filepath.Clean(path)] = true
		w, err := newWriter(format)
		if err != nil {
			return nil, fmt.Errorf("--write %q: %w", v, err)
		}
		out = append(out, extraOutput[W]{format: format, path: path, writer: w})
	}
	return out, nil
}

// writeAll writes each extra output to its file with write; it tries them all and reports every
// file it could not write.
func writeAll[W any](outputs []extraOutput[W], write func(W, io.Writer) error) error {
	var errs []error
	for _, o := range outputs {
		if err := writeFile(o.path, func(w io.Writer) error { return write(o.writer, w) }); err != nil {
			errs = append(errs, fmt.Errorf("writing the %s output to %s: %w", o.format, o.path, writeError(o.path, err)))
		}
	}
	return errors.Join(errs...)
}

// writeError says why a file could not be written in terms of the file and its folder, not of the
// temporary file that writeFile writes first.
func writeError(path string, err error) error {
	dir := filepath.Dir(path)
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist; create it, or name a file in a folder that does", dir)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("the folder %s cannot be written: permission denied", dir)
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

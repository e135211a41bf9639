package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/netops/netops/pkg/source"
)

// plural is n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// pluralEs is plural for a noun that takes -es, such as address.
func pluralEs(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ses", n, noun)
}

// repoLabel names a repo for people: a URL without its credentials, or a folder by its name, so that
// --repo . reads as the folder it is.
func repoLabel(location string) string {
	if strings.Contains(location, "://") || strings.HasPrefix(location, "git@") {
		return source.Redact(location)
	}
	abs, err := filepath.Abs(location)
	if err != nil {
		return location
	}
	return filepath.Base(abs)
}

package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// image is a container image reference split as charts and kustomize want it.
type image struct {
	registry   string // "" when the reference names none
	repository string
	tag        string
	digest     string // sha256:…, or ""
}

// parseImage splits a reference such as quay.io/metallb/speaker:v0.16.1 or rajch/weave-kube@sha256:….
func parseImage(ref string) image {
	var im image
	ref, im.digest, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref, im.tag = ref[:i], ref[i+1:]
	}
	if first, rest, ok := strings.Cut(ref, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		im.registry, ref = first, rest
	}
	im.repository = ref
	return im
}

// name is the reference without its tag and digest.
func (im image) name() string {
	if im.registry == "" {
		return im.repository
	}
	return im.registry + "/" + im.repository
}

// tagOrDigest is what goes after the colon of name:tag in a chart that only knows tags: the tag, and
// the digest after it when there is one.
func (im image) tagOrDigest(version string) string {
	tag := im.tag
	if tag == "" {
		tag = version
	}
	if im.digest != "" {
		return tag + "@" + im.digest
	}
	return tag
}

// componentImages checks that a component's image overrides name only images it has.
func componentImages(images map[string]string, names ...string) error {
	for key := range images {
		if !slices.Contains(names, key) {
			return fmt.Errorf("unknown image %q; this component has images %s", key, strings.Join(names, ", "))
		}
	}
	return nil
}

func parseVersion(v string) (*semver.Version, error) {
	sv, err := semver.NewVersion(v)
	if err != nil {
		return nil, fmt.Errorf("version %q: %w", v, err)
	}
	return sv, nil
}

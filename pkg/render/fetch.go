package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/getter"
	"helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"

	"github.com/netops/netops/pkg/network"
)

// providers are the Helm getters that charts are downloaded with.
var providers = getter.Providers{
	{Schemes: []string{"http", "https"}, New: getter.NewHTTPGetter},
	{Schemes: []string{"oci"}, New: getter.NewOCIGetter},
}

var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// remote loads a chart from an HTTP or OCI repository, through the cache.
func (c *charts) remote(ch *network.Chart) (*chart.Chart, error) {
	data, err := c.fetch(ch)
	if err != nil {
		return nil, err
	}
	return loader.LoadArchive(bytes.NewReader(data))
}

// fetch returns the packaged chart: from the cache when it holds the pinned digest, else downloaded
// and checked against that digest.
func (c *charts) fetch(ch *network.Chart) ([]byte, error) {
	ref := chartRef(ch)
	if ch.Digest != "" && !digestPattern.MatchString(ch.Digest) {
		return nil, fmt.Errorf("chart %s: digest %q: write sha256: and 64 lower-case hex digits", ref, ch.Digest)
	}
	if data, ok := c.cache.get(ch.Digest); ok {
		return data, nil
	}
	if c.opts.offline {
		return nil, &OfflineError{Chart: ref, Digest: ch.Digest}
	}
	data, err := c.download(ch)
	if err != nil {
		return nil, fmt.Errorf("downloading chart %s: %w", ref, err)
	}
	if got := digestOf(data); got != ch.Digest {
		return nil, &DigestError{Chart: ref, Want: ch.Digest, Got: got}
	}
	return data, c.cache.put(ch.Digest, data)
}

func (c *charts) download(ch *network.Chart) ([]byte, error) {
	u, err := url.Parse(ch.Repo)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "oci":
		return c.getURL(strings.TrimSuffix(ch.Repo, "/") + "/" + ch.Name + ":" + ch.Version)
	case "http", "https":
		chartURL, err := c.chartURL(ch)
		if err != nil {
			return nil, err
		}
		return c.getURL(chartURL)
	}
	return nil, fmt.Errorf("repo %q: use an https://, http:// or oci:// URL", ch.Repo)
}

// chartURL finds the chart's package in the repository's index.yaml.
func (c *charts) chartURL(ch *network.Chart) (string, error) {
	if ch.Name == "" || ch.Version == "" {
		return "", fmt.Errorf("repo %s: give the chart's name: and version:", ch.Repo)
	}
	data, err := c.getURL(strings.TrimSuffix(ch.Repo, "/") + "/index.yaml")
	if err != nil {
		return "", err
	}
	var index repo.IndexFile
	if err := yaml.Unmarshal(data, &index); err != nil {
		return "", fmt.Errorf("reading %s/index.yaml: %w", ch.Repo, err)
	}
	cv, err := index.Get(ch.Name, ch.Version)
	if err != nil || len(cv.URLs) == 0 {
		return "", fmt.Errorf("%s/index.yaml lists no %s %s", ch.Repo, ch.Name, ch.Version)
	}
	return repo.ResolveReferenceURL(ch.Repo, cv.URLs[0])
}

func (c *charts) getURL(ref string) ([]byte, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, err
	}
	g, err := providers.ByScheme(u.Scheme)
	if err != nil {
		return nil, err
	}
	buf, err := g.Get(ref, c.opts.getters...)
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// chartRef names a chart of a repository as messages do.
func chartRef(ch *network.Chart) string {
	return fmt.Sprintf("%s %s %s", ch.Repo, ch.Name, ch.Version)
}

func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

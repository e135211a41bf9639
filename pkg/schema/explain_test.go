package schema_test

import (
	"strings"
	"testing"

	"github.com/netops/netops/pkg/schema"
)

func TestReferenceInSync(t *testing.T) {
	golden(t, "../../docs/reference.md", schema.Reference())
}

// Three fields, golden: an object with an example, an enum with a default, a recursive list.
func TestExplainGolden(t *testing.T) {
	for path, file := range map[string]string{
		"Site.networks.pool":      "testdata/explain/site-networks-pool.txt",
		"Site.networks.pool.mode": "testdata/explain/site-networks-pool-mode.txt",
		"Site.networks.networks":  "testdata/explain/site-networks-networks.txt",
	} {
		f, err := schema.Find(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		golden(t, file, []byte(schema.Explain(f)))
	}
}

func TestExplainUnknownField(t *testing.T) {
	for path, want := range map[string]string{
		"Site.networks.poool":              `Site.networks has no field "poool"; its fields are: name, prefix, role,`,
		"Sight":                            `unknown kind "Sight"; use one of: Network, Cluster, Site`,
		"Site.name.first":                  "Site.name is a string, with no fields under it",
		"Site.networks.networks.pool.mode": "",
	} {
		_, err := schema.Find(path)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", path, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: got %v, want %q", path, err, want)
		}
	}
}

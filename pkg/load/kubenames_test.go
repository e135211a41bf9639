package load_test

import (
	"strings"
	"testing"

	"github.com/netops/netops/pkg/load"
)

// TestNameErrors holds the names that Kubernetes or a DNS server would refuse to the errors validate
// gives, with any byte that could mislead shown escaped.
func TestNameErrors(t *testing.T) {
	site, svc := "sites/a.yaml", "services.yaml"
	cases := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"dns label of 64 characters", replace(site, "roles: [router]}", "roles: [router], dns: "+strings.Repeat("a", 64)+".lan}"),
			[]string{`sites/a.yaml:10:9: dns name "` + strings.Repeat("a", 64) + `.lan" is not valid; each label must be no more than 63 characters`}},
		{"dns label of 63 characters", replace(site, "roles: [router]}", "roles: [router], dns: "+strings.Repeat("a", 63)+".lan}"), nil},
		{"site name with a Cyrillic a", replace(site, "name: a\n", "name: \u0430\n"),
			[]string{`sites/a.yaml:1:1: site name "\u0430" (the name holds non-ASCII characters) is not a DNS label`}},
		{"service name with a zero-width space", replace(svc, "name: dns\n", "name: \"dns\u200b\"\n"),
			[]string{`services.yaml:1:1: service name "dns\u200b" (the name holds non-ASCII characters) is not a DNS label`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load.Load(repo(c.changes))
			if c.want == nil {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			checkErrors(t, err, c.want)
		})
	}
}

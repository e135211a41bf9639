package cli_test

import (
	"os"
	"testing"
)

// netops schema prints the committed copy, which pkg/schema's tests keep in sync with the model.
func TestSchemaPrintsCommittedCopy(t *testing.T) {
	want, err := os.ReadFile("../../docs/schema/netops.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, "schema")
	r.want(t, 0, `"$schema": "http://json-schema.org/draft-07/schema#"`, "")
	if r.out != string(want) {
		t.Errorf("netops schema differs from docs/schema/netops.schema.json; run `go test ./pkg/schema -update`")
	}
}

func TestExplain(t *testing.T) {
	run(t, "explain", "Site.networks.pool.mode").want(t, 0, "TYPE:     string, one of: l2, bgp\n", "")
	run(t, "explain", "Site").want(t, 0, "  networks               list of objects\n", "")
	run(t, "explain", "Site.networks.poool").want(t, 1, "", `Site.networks has no field "poool"; its fields are: name, prefix`)
}

func TestPolicyInput(t *testing.T) {
	r := run(t, "policy", "input", "--repo", example)
	r.want(t, 0, `"entity": "address/home/router"`, "")
	r.want(t, 0, `"version": 1`, "")
}

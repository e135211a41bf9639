package seedtable_test

import (
	"testing"

	"github.com/netops/netops/internal/seedtable"
)

func TestRows(t *testing.T) {
	rows, err := seedtable.Rows()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 27 {
		t.Fatalf("got %d rows, want the table's 27", len(rows))
	}
	first, vip, last := rows[0], rows[8], rows[len(rows)-1]
	if first.Prefix.String() != "192.168.1.0/24" || first.Tag != "-" || first.Address.IsValid() {
		t.Errorf("first row = %+v", first)
	}
	if vip.Prefix.String() != "192.168.5.0/20" || vip.Address.String() != "192.168.5.100" || vip.Description != "haproxy VIP entrypoint Kubernetes" {
		t.Errorf("VIP row = %+v", vip)
	}
	if last.Prefix.String() != "10.8.4.0/24" || last.Address.String() != "10.8.4.1" || last.Tag != "openvpn private" {
		t.Errorf("last row = %+v", last)
	}
}

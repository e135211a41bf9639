package seedtable

import (
	_ "embed"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// Text is the seed document, word for word.
//
//go:embed testdata/network-architecture.txt
var Text string

// Row is one row of the table: a prefix as written, an optional address in it, a description and the
// last column, which names a VLAN, a DNS domain or a VPN.
type Row struct {
	Line        int
	Prefix      netip.Prefix // as written: 192.168.5.0/20 keeps its host bits
	Address     netip.Addr   // invalid where the row has none
	Description string
	Tag         string
}

// The table's cells were run together when the document was saved: "192.168" + "4.0/24" + "4.1" +
// "Router and DHCP Server" + "1". The first two octets and the last column come from small sets, which
// is enough to split them again.
var (
	row  = regexp.MustCompile(`^(192\.168|10\.244|10\.8)(\d+\.\d+)/(\d{2})(\d+\.\d+)?(.*)$`)
	tags = []string{"kubernetes.local", "openvpn shared", "openvpn private", "1", "-"}
)

// Rows parses every table row of the seed document.
func Rows() ([]Row, error) {
	var rows []Row
	for i, line := range strings.Split(Text, "\n") {
		m := row.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		r, err := parseRow(m)
		if err != nil {
			return nil, fmt.Errorf("seed line %d: %w", i+1, err)
		}
		r.Line = i + 1
		rows = append(rows, r)
	}
	return rows, nil
}

func parseRow(m []string) (Row, error) {
	var r Row
	var err error
	if r.Prefix, err = netip.ParsePrefix(m[1] + "." + m[2] + "/" + m[3]); err != nil {
		return r, err
	}
	if m[4] != "" {
		if r.Address, err = netip.ParseAddr(m[1] + "." + m[4]); err != nil {
			return r, err
		}
	}
	for _, t := range tags {
		if strings.HasSuffix(m[5], t) {
			r.Description, r.Tag = strings.TrimSuffix(m[5], t), t
			return r, nil
		}
	}
	return r, fmt.Errorf("no known last column in %q", m[5])
}

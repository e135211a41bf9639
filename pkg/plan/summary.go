package plan

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Summary is one line of a plan in network terms, with the file:line that caused it.
type Summary struct {
	Kind   string `json:"kind"` // pool, ip, policy, tenant, site
	Target string `json:"target,omitempty"`
	Text   string `json:"text"`
	Source string `json:"source,omitempty"`
}

// The annotation that pins a Service's load-balancer IPs.
const lbIPsAnnotation = "metallb.io/loadBalancerIPs"

func summarize(c Change, before, after map[string]any) []Summary {
	if c.Action == NoOp {
		return nil
	}
	var text, kind string
	switch {
	case c.Ref.Kind == "IPAddressPool" && strings.HasPrefix(c.Ref.APIVersion, "metallb.io/"):
		kind, text = "pool", poolText(c, addresses(before), addresses(after))
	case c.Ref.Kind == "Service":
		kind, text = "ip", serviceText(c, lbIPs(before), lbIPs(after))
	case c.Ref.Kind == "NetworkPolicy":
		kind, text = "policy", fmt.Sprintf("namespace %s: network policies %s", c.Ref.Namespace, verb(c.Action))
	}
	if text == "" {
		return nil
	}
	return []Summary{{Kind: kind, Target: c.Target, Text: text, Source: c.Source}}
}

func verb(a Action) string {
	return map[Action]string{Create: "added", Update: "changed", Delete: "removed"}[a]
}

func addresses(o map[string]any) []string {
	list, _, _ := unstructured.NestedStringSlice(o, "spec", "addresses")
	return list
}

func lbIPs(o map[string]any) string {
	v, _, _ := unstructured.NestedString(o, "metadata", "annotations", lbIPsAnnotation)
	return v
}

func poolText(c Change, before, after []string) string {
	name := "pool " + c.Ref.Name
	b, a := strings.Join(before, ", "), strings.Join(after, ", ")
	switch {
	case c.Action == Create:
		return fmt.Sprintf("%s added: %s", name, a)
	case c.Action == Delete:
		return fmt.Sprintf("%s removed: %s", name, b)
	case b == a:
		return ""
	}
	return fmt.Sprintf("%s %s from %s to %s", name, growth(before, after), b, a)
}

// growth says whether a pool grew (it keeps every address and gains some), shrank, or moved.
func growth(before, after []string) string {
	switch {
	case covers(after, before):
		return "grows"
	case covers(before, after):
		return "shrinks"
	}
	return "moves"
}

// covers reports whether every prefix of inner lies inside a prefix of outer.
func covers(outer, inner []string) bool {
	for _, s := range inner {
		p, err := netip.ParsePrefix(s)
		if err != nil || !insideAny(p, outer) {
			return false
		}
	}
	return true
}

func insideAny(p netip.Prefix, outer []string) bool {
	for _, s := range outer {
		o, err := netip.ParsePrefix(s)
		if err == nil && o.Bits() <= p.Bits() && o.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func serviceText(c Change, before, after string) string {
	name := "service " + c.Ref.Namespace + "/" + c.Ref.Name
	switch {
	case before == after:
		return ""
	case before == "":
		return fmt.Sprintf("%s gets IP %s", name, after)
	case after == "":
		return fmt.Sprintf("%s releases IP %s", name, before)
	}
	return fmt.Sprintf("%s moves from %s to %s", name, before, after)
}

// kindOrder puts a summary's lines in the order a reviewer reads them: what the plan itself changes
// first, then address pools, service IPs and network policies.
var kindOrder = map[string]int{"cluster": 0, "site": 1, "tenant": 2, "vpn": 3, "pool": 4, "ip": 5, "policy": 6}

// condense sorts summary lines and folds repeated ones, such as every policy of one namespace, into one
// line with a count.
func condense(lines []Summary) []Summary {
	slices.SortStableFunc(lines, func(a, b Summary) int {
		return cmp.Or(cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), cmp.Compare(a.Target, b.Target))
	})
	var out []Summary
	counts := map[Summary]int{}
	for _, l := range lines {
		k := Summary{Kind: l.Kind, Target: l.Target, Text: l.Text}
		if counts[k]++; counts[k] == 1 {
			out = append(out, l)
		}
	}
	for i, l := range out {
		if n := counts[Summary{Kind: l.Kind, Target: l.Target, Text: l.Text}]; n > 1 {
			out[i].Text = fmt.Sprintf("%s (%d)", l.Text, n)
		}
	}
	return out
}

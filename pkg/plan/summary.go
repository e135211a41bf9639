package plan

import (
	"cmp"
	"fmt"
	"net/netip"
	"reflect"
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
	case c.Ref.Kind == "DaemonSet" && c.Ref.Namespace == "kube-system" && c.Ref.Name == "weave-net":
		kind, text = "cluster", weaveText(c, before, after)
	case c.Ref.Kind == "NetworkPolicy":
		kind, text = "policy", fmt.Sprintf("namespace %s: network policies %s", c.Ref.Namespace, verb(c.Action))
	}
	if text == "" {
		return nil
	}
	return []Summary{{Kind: kind, Target: c.Target, Text: text, Source: c.Source}}
}

// weaveMTUFrom is the annotation on the weave-net DaemonSet that says where its MTU comes from.
const weaveMTUFrom = "netops.dev/weave-mtu-from"

// weaveText names what a change of the weave-net DaemonSet does to the whole cluster: its MTU, and
// the restart of weave-net on every node that any change of its pod template brings.
func weaveText(c Change, before, after map[string]any) string {
	if c.Action != Update {
		return fmt.Sprintf("Weave Net %s", verb(c.Action))
	}
	bt, _, _ := unstructured.NestedMap(before, "spec", "template")
	at, _, _ := unstructured.NestedMap(after, "spec", "template")
	if reflect.DeepEqual(bt, at) {
		return ""
	}
	b, a := weaveMTU(before), weaveMTU(after)
	if b == a {
		return "weave-net restarts on every node"
	}
	from, _, _ := unstructured.NestedString(after, "metadata", "annotations", weaveMTUFrom)
	if from != "" {
		from = " (" + from + ")"
	}
	return fmt.Sprintf("Weave MTU %s → %s%s, weave-net restarts on every node", b, a, from)
}

// weaveMTU is the WEAVE_MTU of the weave container, or "the default" when it has none.
func weaveMTU(o map[string]any) string {
	containers, _, _ := unstructured.NestedSlice(o, "spec", "template", "spec", "containers")
	for _, c := range containers {
		m, _ := c.(map[string]any)
		if m["name"] != "weave" {
			continue
		}
		env, _ := m["env"].([]any)
		for _, e := range env {
			if em, _ := e.(map[string]any); em["name"] == "WEAVE_MTU" {
				if v, ok := em["value"].(string); ok {
					return v
				}
			}
		}
	}
	return "the default"
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

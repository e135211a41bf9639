package render

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/netops/netops/pkg/network"
)

// SecretsDoc is the page that tells users which Secrets to create themselves, and how.
const SecretsDoc = "docs/secrets.md"

// createdElsewhere are the Secrets that a render references and someone else creates, by cluster:
// the Weave password, which docs/secrets.md tells the user to create, and MetalLB's memberlist key,
// which MetalLB's controller generates.
func createdElsewhere(c *network.Cluster) map[string]bool {
	known := map[string]bool{"metallb-system/metallb-memberlist": true}
	if ref := c.Weave.PasswordSecret; ref.Name != "" {
		known["kube-system/"+ref.Name] = true
	}
	return known
}

// warnUnmanagedSecrets warns of each Secret that an object reads, that no target of its cluster
// renders, and that no one is known to create: an apply to a fresh cluster would find it missing.
func warnUnmanagedSecrets(p *network.Plan, res *Result) {
	for _, c := range p.Clusters {
		have := createdElsewhere(c)
		for _, t := range res.Targets {
			for _, o := range t.Objects {
				if t.Cluster == c.Name && o.GetKind() == "Secret" && o.GetAPIVersion() == "v1" {
					have[o.GetNamespace()+"/"+o.GetName()] = true
				}
			}
		}
		for _, t := range res.Targets {
			if t.Cluster != c.Name {
				continue
			}
			for _, o := range t.Objects {
				for _, name := range secretsRead(o.Object) {
					if ref := o.GetNamespace() + "/" + name; !have[ref] {
						have[ref] = true // once per Secret
						t.warn(sourcePos(o), "%s reads Secret %s, which the render does not create: create it before the apply, and say how in the repo's README (see %s)",
							refOf(o), ref, SecretsDoc)
					}
				}
			}
		}
	}
}

// secretsRead lists the Secrets that an object's pod template or pod reads: volumes, env, envFrom
// and image pull secrets.
func secretsRead(obj map[string]any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				out = append(out, secretName(k, c)...)
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(obj["spec"])
	return out
}

func secretName(key string, v any) []string {
	m, _ := v.(map[string]any)
	switch key {
	case "secretKeyRef", "secretRef":
		if n, ok := m["name"].(string); ok {
			return []string{n}
		}
	case "secret":
		if n, ok := m["secretName"].(string); ok {
			return []string{n}
		}
	case "imagePullSecrets":
		var out []string
		list, _ := v.([]any)
		for _, e := range list {
			if n, ok := e.(map[string]any)["name"].(string); ok {
				out = append(out, n)
			}
		}
		return out
	}
	return nil
}

// sourcePos reads an object's source annotation back into a position.
func sourcePos(o *unstructured.Unstructured) network.Pos {
	src := o.GetAnnotations()[AnnotationSource]
	file, line, ok := strings.Cut(src, ":")
	n, err := strconv.Atoi(line)
	if !ok || err != nil {
		return network.Pos{File: src}
	}
	return network.Pos{File: file, Line: n}
}

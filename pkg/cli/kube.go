package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netops/netops/pkg/apply"
	"github.com/netops/netops/pkg/network"
	"github.com/netops/netops/pkg/plan"
)

// kubeFlags say how to reach the clusters: the plan names each cluster's kubeconfig context, which
// --context overrides.
type kubeFlags struct {
	kubeconfig, context string
}

func (k *kubeFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&k.kubeconfig, "kubeconfig", "", "the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	cmd.Flags().StringVar(&k.context, "context", "", "the kubeconfig context (default: the context the plan gives each cluster)")
}

func (k *kubeFlags) rules() *clientcmd.ClientConfigLoadingRules {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = k.kubeconfig
	return rules
}

// found reports whether a kubeconfig is there to read.
func (k *kubeFlags) found() bool {
	if k.kubeconfig != "" {
		return true
	}
	for _, p := range k.rules().Precedence {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// contextOf is the kubeconfig context of a cluster: --context, else the one the plan gives it.
func (k *kubeFlags) contextOf(p *network.Plan, cluster string) string {
	if k.context != "" {
		return k.context
	}
	for _, c := range p.Clusters {
		if c.Name == cluster {
			return c.Context
		}
	}
	return ""
}

// restConfig reads the kubeconfig for a context; "" is the current one.
func (k *kubeFlags) restConfig(kubeContext string) (*rest.Config, error) {
	overrides := &clientcmd.ConfigOverrides{CurrentContext: kubeContext}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(k.rules(), overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig context %q: %w; pass --context to pick another, or plan with --offline", kubeContext, err)
	}
	return cfg, nil
}

// cluster connects to a cluster for a live plan.
// cluster is the plan's view of the cluster of kubeContext, where rendered are the render's targets.
func (k *kubeFlags) cluster(kubeContext string, rendered []apply.Target) (plan.Cluster, client.Client, error) {
	cfg, err := k.restConfig(kubeContext)
	if err != nil {
		return nil, nil, err
	}
	c, _, err := apply.NewClient(cfg)
	if err != nil {
		return nil, nil, err
	}
	return plan.NewKubeCluster(c, fieldManager, staleObjects(c, apply.ClaimsOf(rendered))), c, nil
}

// staleObjects lists, for the plan, what apply --prune would delete from a target.
func staleObjects(c client.Client, claims apply.Claims) plan.StaleFunc {
	return func(ctx context.Context, target string, objects []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
		refs, err := apply.Stale(ctx, c, apply.Target{Name: target, Objects: objects}, claims)
		if err != nil {
			return nil, err
		}
		out := make([]*unstructured.Unstructured, 0, len(refs))
		for _, r := range refs {
			o, err := liveObject(ctx, c, r)
			if err != nil {
				return nil, err
			}
			if o != nil {
				out = append(out, o)
			}
		}
		return out, nil
	}
}

// liveObject reads an object that a prune would delete, so that the plan can say what it was.
func liveObject(ctx context.Context, c client.Client, r apply.ObjectRef) (*unstructured.Unstructured, error) {
	o := &unstructured.Unstructured{}
	o.SetGroupVersionKind(schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind})
	err := c.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: r.Name}, o)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s, which a prune would delete: %w", r, err)
	}
	return o, nil
}

// fieldManager is the name netops applies with, and dry-runs with for a plan.
const fieldManager = "netops"

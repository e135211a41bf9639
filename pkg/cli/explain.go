package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/schema"
)

func newExplainCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "explain KIND[.FIELD…]",
		Short: "Describe a kind or a field of the plan: type, default, allowed values, what it renders and which rules read it",
		Long: `Explain describes one kind or field of the plan documents, as kubectl explain does for
Kubernetes: its type, whether it is required, its default, the values it allows, the Kubernetes
objects it shapes, the policy rules that read it, an example, and the fields under it.
Lists are walked through: Site.networks.pool is the pool of any network of a site.
docs/reference.md lists every field.

  netops explain Site
  netops explain Site.networks.pool.mode`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := schema.Find(args[0])
			if err != nil {
				return fmt.Errorf("%w; run netops explain KIND to list a kind's fields", err)
			}
			_, err = fmt.Fprint(s.Out, schema.Explain(f))
			return err
		},
	}
}

package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/scaffold"
)

func newInitCmd(s Streams) *cobra.Command {
	var opts scaffold.Options
	cmd := &cobra.Command{
		Use:   "init [--sites N] [--name NAME] DIR",
		Short: "Write a small, valid, commented network repo to start from",
		Long: `Init writes a new network repo into DIR, which must be empty or not exist: one cluster, a tenant,
N sites each with a LAN and a LAN pool, an online pool and the API VIP network on the first site,
two services, and netops.schema.json for editors. validate and check pass on it as it is.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := scaffold.Write(args[0], opts)
			if err != nil {
				return err
			}
			for _, f := range files {
				fmt.Fprintf(s.Err, "wrote %s\n", f)
			}
			fmt.Fprintf(s.Out, "%s: a network repo with %s; next: netops validate --repo %s\n", args[0], plural(opts.Sites, "site"), args[0])
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Sites, "sites", 1, fmt.Sprintf("how many sites to lay out, 1 to %d", scaffold.MaxSites))
	cmd.Flags().StringVar(&opts.Name, "name", "my-network", "the plan's name")
	return cmd
}

package cli

import (
	"github.com/spf13/cobra"

	"github.com/netops/netops/pkg/schema"
)

func newSchemaCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the plan's documents, for editors",
		Long: `Schema prints the JSON Schema (draft-07) of every plan document kind, generated from the types
the loader decodes into; netops's own repo keeps a copy at docs/schema/netops.schema.json. Write it
into your network repo and name it on the first line of each plan file, so that the YAML language
server (VS Code and other editors) completes and checks the fields:

  netops schema > netops.schema.json
  # yaml-language-server: $schema=netops.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := s.Out.Write(schema.JSON())
			return err
		},
	}
}

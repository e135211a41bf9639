package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X github.com/netops/netops/pkg/cli.Version=…".
// Without it, the version comes from the build info: the module's version when netops was
// installed with `go install …@vX`, or the commit it was built from.
var Version = "dev"

// versionInfo is what `netops version` says.
type versionInfo struct {
	FormatVersion string `json:"format_version"`
	Version       string `json:"version"`
	Revision      string `json:"revision,omitempty"`
	GoVersion     string `json:"go_version"`
	Platform      string `json:"platform"`
}

func (v versionInfo) String() string {
	return fmt.Sprintf("netops %s (%s, %s)", v.Version, v.GoVersion, v.Platform)
}

func newVersionCmd(s Streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the netops version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := currentVersion()
			switch output {
			case "text":
				_, err := fmt.Fprintln(s.Out, v)
				return err
			case "json":
				return writeJSON(s.Out, v)
			}
			return fmt.Errorf("unknown output format %q; use text or json", output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

// currentVersion reads the version of this binary: Version, or else its build info.
func currentVersion() versionInfo {
	info, _ := debug.ReadBuildInfo()
	return versionOf(Version, info)
}

// versionOf is the version of a binary stamped with version and built as info says, if known.
func versionOf(version string, info *debug.BuildInfo) versionInfo {
	v := versionInfo{FormatVersion: "1", Version: version, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info == nil {
		return v
	}
	v.Revision = buildSetting(info, "vcs.revision")
	dirty := ""
	if v.Revision != "" && buildSetting(info, "vcs.modified") == "true" {
		dirty = "-dirty"
	}
	if v.Version != "dev" {
		return v
	}
	switch {
	case info.Main.Version != "" && info.Main.Version != "(devel)":
		v.Version = info.Main.Version
	case v.Revision != "":
		v.Version = "dev-" + v.Revision[:min(12, len(v.Revision))] + dirty
	}
	v.Revision += dirty
	return v
}

func buildSetting(info *debug.BuildInfo, key string) string {
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

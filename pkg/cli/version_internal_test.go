package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionOf(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "f440f0c9a1b2c3d4e5f6"}}
	dirty := append(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	tests := []struct {
		name, stamped, want, wantRev string
		info                         *debug.BuildInfo
	}{
		{"ldflags win", "v0.3.0", "v0.3.0", "f440f0c9a1b2c3d4e5f6", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}, Settings: rev}},
		{"go install at a version", "dev", "v0.2.0", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}},
		{"go build in a work tree", "dev", "dev-f440f0c9a1b2", "f440f0c9a1b2c3d4e5f6", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}},
		{"with local changes", "dev", "dev-f440f0c9a1b2-dirty", "f440f0c9a1b2c3d4e5f6-dirty", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}},
		{"no build info", "dev", "dev", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := versionOf(tt.stamped, tt.info)
			if got.Version != tt.want || got.Revision != tt.wantRev {
				t.Errorf("versionOf = %q at %q, want %q at %q", got.Version, got.Revision, tt.want, tt.wantRev)
			}
		})
	}
}

package tasks_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// koConfig is the part of ko's .ko.yaml that netops uses, with ko's field names.
type koConfig struct {
	DefaultBaseImage string   `json:"defaultBaseImage"`
	DefaultPlatforms []string `json:"defaultPlatforms"`
	Builds           []struct {
		ID      string   `json:"id"`
		Dir     string   `json:"dir"`
		Main    string   `json:"main"`
		Env     []string `json:"env"`
		Flags   []string `json:"flags"`
		Ldflags []string `json:"ldflags"`
	} `json:"builds"`
}

func TestKoBuildsAStaticNetopsForAmd64AndArm64(t *testing.T) {
	data, err := os.ReadFile("../.ko.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ko koConfig
	if err := yaml.UnmarshalStrict(data, &ko); err != nil {
		t.Fatalf(".ko.yaml: %v", err)
	}
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, ko.DefaultPlatforms); diff != "" {
		t.Errorf("defaultPlatforms (-want +got):\n%s", diff)
	}
	if !strings.Contains(ko.DefaultBaseImage, "busybox") || !strings.Contains(ko.DefaultBaseImage, "musl") {
		t.Errorf("defaultBaseImage = %q, want busybox's static musl build, which has the /bin/sh the scripts need", ko.DefaultBaseImage)
	}
	if len(ko.Builds) != 1 {
		t.Fatalf("%d builds, want the one of ./cmd/netops", len(ko.Builds))
	}
	b := ko.Builds[0]
	if b.Main != "./cmd/netops" || !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build %+v, want ./cmd/netops with CGO_ENABLED=0", b)
	}
	if _, err := os.Stat("../cmd/netops/main.go"); err != nil {
		t.Errorf("the build's main package is not there: %v", err)
	}
	version, err := os.ReadFile("../pkg/cli/version.go")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(b.Ldflags, func(f string) bool { return strings.Contains(f, "-X github.com/netops/netops/pkg/cli.Version=") }) ||
		!strings.Contains(string(version), "var Version =") {
		t.Errorf("ldflags %v do not set pkg/cli.Version", b.Ldflags)
	}
}

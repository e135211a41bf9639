package cli_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/netops/netops/pkg/cli"
)

// TestMain lets test scripts run netops as a command, and stops the test control plane at the end.
func TestMain(m *testing.M) {
	testscript.Main(afterRun{m, stopCluster}, map[string]func(){"netops": netopsMain})
}

// afterRun runs the tests, then its cleanup.
type afterRun struct {
	m       *testing.M
	cleanup func()
}

func (a afterRun) Run() int {
	defer a.cleanup()
	return a.m.Run()
}

func netopsMain() {
	err := cli.Run(context.Background(), cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:])
	if err != nil && !cli.Silent(err) {
		os.Stderr.WriteString("netops: " + err.Error() + "\n")
	}
	os.Exit(cli.ExitCode(err))
}

// TestScripts runs the CLI end to end from testdata/script/*.txtar. Each script starts with a copy
// of examples/homelab in $WORK/repo, and git configured with a fixed identity.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:   "testdata/script",
		Setup: setupScript,
		Cmds:  map[string]func(*testscript.TestScript, bool, []string){"replace": replaceCmd},
	})
}

func setupScript(env *testscript.Env) error {
	env.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"AUTHOR", "COMMITTER"} {
		env.Setenv("GIT_"+k+"_NAME", "Test")
		env.Setenv("GIT_"+k+"_EMAIL", "test@example.com")
	}
	env.Setenv("KUBECONFIG", env.WorkDir+"/no-kubeconfig")
	env.Setenv("NETOPS_CACHE", env.WorkDir+"/.cache")
	return os.CopyFS(env.WorkDir+"/repo", os.DirFS(example))
}

// replaceCmd is "replace FILE OLD NEW": it replaces the one occurrence of OLD in FILE with NEW.
func replaceCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	name := ts.MkAbs(args[0])
	data := ts.ReadFile(args[0])
	if strings.Count(data, args[1]) != 1 {
		ts.Fatalf("%s holds %q %d times, want once", args[0], args[1], strings.Count(data, args[1]))
	}
	ts.Check(os.WriteFile(name, []byte(strings.Replace(data, args[1], args[2], 1)), 0o644))
}

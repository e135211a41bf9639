package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
)

// GitCloneSpec is the interface of the Tekton catalog's git-clone Task, version 0.9: the
// names of its params (with their defaults), workspaces and results.
func GitCloneSpec() v1.TaskSpec {
	param := func(name, def string) v1.ParamSpec {
		return v1.ParamSpec{Name: name, Type: v1.ParamTypeString, Default: v1.NewStructuredValues(def)}
	}
	return v1.TaskSpec{
		Params: []v1.ParamSpec{
			{Name: "url", Type: v1.ParamTypeString},
			param("revision", ""), param("refspec", ""), param("submodules", "true"), param("depth", "1"),
			param("sslVerify", "true"), param("crtFileName", "ca-bundle.crt"), param("subdirectory", ""),
			param("sparseCheckoutDirectories", ""), param("deleteExisting", "true"), param("httpProxy", ""),
			param("httpsProxy", ""), param("noProxy", ""), param("verbose", "true"),
			param("gitInitImage", "gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2"),
			param("userHome", "/home/git"),
		},
		Workspaces: []v1.WorkspaceDeclaration{
			{Name: "output"},
			{Name: "ssh-directory", Optional: true},
			{Name: "basic-auth", Optional: true},
			{Name: "ssl-ca-directory", Optional: true},
		},
		Results: []v1.TaskResult{{Name: "commit"}, {Name: "url"}, {Name: "committer-date"}},
	}
}

// GitClone stands in for the catalog's git-clone Task, whose git-init binary is not on this
// machine: it fetches and checks out a revision with the git CLI as git-init does (init, add
// origin, fetch the revision at the given depth, check out FETCH_HEAD), and gives the same
// results.
func GitClone() Builtin {
	return Builtin{Spec: GitCloneSpec(), Run: gitClone}
}

func gitClone(ctx context.Context, in BuiltinInput) (map[string]string, error) {
	p := in.Params
	if p["revision"] == "" || p["refspec"] != "" || p["sparseCheckoutDirectories"] != "" {
		return nil, errors.New("the runner's git-clone needs a revision, and does no refspec or sparse checkout")
	}
	dir := filepath.Join(in.Workspaces["output"], p["subdirectory"])
	if p["deleteExisting"] == "true" {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	fetch := []string{"fetch", "origin", "--update-head-ok", "--force", p["revision"]}
	if depth, _ := strconv.Atoi(p["depth"]); depth > 0 {
		fetch = append(fetch[:1], append([]string{"--depth=" + p["depth"]}, fetch[1:]...)...)
	}
	steps := [][]string{
		{"init", "-q", dir},
		{"-C", dir, "remote", "add", "origin", p["url"]},
		append([]string{"-C", dir}, fetch...),
		{"-C", dir, "checkout", "-q", "-f", "FETCH_HEAD"},
	}
	for _, args := range steps {
		if _, err := git(ctx, in, args...); err != nil {
			return nil, err
		}
	}
	commit, err := git(ctx, in, "-C", dir, "rev-parse", "HEAD")
	if err != nil {
		return nil, err
	}
	date, err := git(ctx, in, "-C", dir, "log", "-1", "--pretty=%ct")
	if err != nil {
		return nil, err
	}
	return map[string]string{"commit": commit, "url": p["url"], "committer-date": date}, nil
}

// git runs the git CLI and returns its trimmed stdout.
func git(ctx context.Context, in BuiltinInput, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Env = in.Env
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = in.Log
	if in.Log == nil {
		cmd.Stderr = io.Discard
	}
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(out.String()), nil
}

package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	corev1 "k8s.io/api/core/v1"
)

// scriptPreamble is what Tekton puts before a script that has no shebang line.
const scriptPreamble = "#!/bin/sh\nset -e\n"

// runSteps runs the steps in order until one fails, as Tekton's entrypoint does; a step with
// onError: continue does not stop the others.
func (r *Runner) runSteps(ctx context.Context, spec *v1.TaskSpec, dir string, out *TaskRun) {
	out.Succeeded = true
	for i, s := range spec.Steps {
		step, err := r.runStep(ctx, s, i, dir)
		out.Steps = append(out.Steps, step)
		if err != nil {
			out.Succeeded, out.Reason = false, fmt.Sprintf("step %q: %v", s.Name, err)
			return
		}
		if step.ExitCode != 0 && s.OnError != v1.Continue {
			out.Succeeded, out.Reason = false, fmt.Sprintf("step %q exited with code %d", s.Name, step.ExitCode)
			return
		}
	}
}

// runStep runs one step as a process and returns its exit code and output. The error is for
// a step that could not start.
func (r *Runner) runStep(ctx context.Context, s v1.Step, i int, dir string) (StepRun, error) {
	run := StepRun{Name: s.Name}
	env, err := stepEnv(r.Env, s.Env, filepath.Join(dir, "home"))
	if err != nil {
		return run, err
	}
	argv, err := stepArgv(s, i, filepath.Join(dir, "scripts"))
	if err != nil {
		return run, err
	}
	argv[0], err = lookPath(argv[0], env)
	if err != nil {
		return run, err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = filepath.Join(dir, "work")
	if s.WorkingDir != "" {
		cmd.Dir = s.WorkingDir
	}
	var buf lockedBuffer
	w := io.MultiWriter(&buf, prefixed(r.log(), s.Name))
	cmd.Stdout, cmd.Stderr = w, w
	err = cmd.Run()
	run.Output = buf.String()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		run.ExitCode = exit.ExitCode()
	case err != nil:
		return run, err
	}
	return run, nil
}

// stepArgv is the command line of a step: its script, written to a file as Tekton writes it,
// or its command, followed by its args.
func stepArgv(s v1.Step, i int, scripts string) ([]string, error) {
	if s.Script == "" {
		if len(s.Command) == 0 {
			return nil, errors.New("the step has no script and no command; the runner cannot use an image's entrypoint")
		}
		return append(append([]string{}, s.Command...), s.Args...), nil
	}
	script := s.Script
	if !strings.HasPrefix(strings.TrimSpace(script), "#!") {
		script = scriptPreamble + script
	}
	file := filepath.Join(scripts, fmt.Sprintf("script-%d-%s", i, s.Name))
	if err := os.WriteFile(file, []byte(script), 0o755); err != nil {
		return nil, err
	}
	// The image's /bin/sh is the sh on the step's PATH here, such as busybox's.
	if first, _, _ := strings.Cut(strings.TrimSpace(script), "\n"); strings.TrimSpace(first) == "#!/bin/sh" {
		return append([]string{"sh", file}, s.Args...), nil
	}
	return append([]string{file}, s.Args...), nil
}

// stepEnv is the base environment with the step's env on top. A value from a Secret or
// ConfigMap cannot be had here: an optional one is left unset, any other is an error.
func stepEnv(base []string, vars []corev1.EnvVar, home string) ([]string, error) {
	env := append([]string{"HOME=" + home}, base...)
	for _, e := range vars {
		if e.ValueFrom != nil {
			if optional(e) {
				continue
			}
			return nil, fmt.Errorf("env %s comes from a Secret or ConfigMap that the runner does not have", e.Name)
		}
		env = append(env, e.Name+"="+e.Value)
	}
	return env, nil
}

// lookPath finds a command on the PATH of env, not on the test process's PATH.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		file := filepath.Join(dir, name)
		if fi, err := os.Stat(file); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return file, nil
		}
	}
	return "", fmt.Errorf("%s is not on the step's PATH %q", name, path)
}

// lockedBuffer collects a process's stdout and stderr, which its two pipes write concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// prefixed writes each line to w after "[name] ".
func prefixed(w io.Writer, name string) io.Writer {
	if w == io.Discard {
		return w
	}
	return &linePrefixer{w: w, prefix: "[" + name + "] "}
}

type linePrefixer struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	rest   []byte
}

func (l *linePrefixer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rest = append(l.rest, p...)
	for {
		i := bytes.IndexByte(l.rest, '\n')
		if i < 0 {
			return len(p), nil
		}
		fmt.Fprintf(l.w, "%s%s\n", l.prefix, l.rest[:i])
		l.rest = l.rest[i+1:]
	}
}

// optional reports whether an env var's Secret or ConfigMap may be missing.
func optional(e corev1.EnvVar) bool {
	switch ref := e.ValueFrom; {
	case ref.SecretKeyRef != nil:
		return ref.SecretKeyRef.Optional != nil && *ref.SecretKeyRef.Optional
	case ref.ConfigMapKeyRef != nil:
		return ref.ConfigMapKeyRef.Optional != nil && *ref.ConfigMapKeyRef.Optional
	}
	return false
}

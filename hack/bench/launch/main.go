// Command launch runs a command and writes its wall time, CPU time and peak resident set to a file,
// as getrusage reports them. The bench harness starts every tool it measures through it: a child's
// peak RSS counts the memory of the process that started it (Go starts children sharing its address
// space until they exec), and launch is a few MiB where the harness is hundreds.
//
//	launch FILE PROGRAM [ARG…]
//
// FILE gets one line: wall nanoseconds, user+system CPU nanoseconds, peak RSS in KiB. launch exits
// with the command's exit code.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: launch FILE PROGRAM [ARG…]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "launch:", err)
		os.Exit(127)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	line := fmt.Sprintf("%d %d %d\n", wall.Nanoseconds(), ru.Utime.Nano()+ru.Stime.Nano(), ru.Maxrss)
	if err := os.WriteFile(os.Args[1], []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "launch:", err)
		os.Exit(127)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/netops/netops/pkg/cli"
)

// profile runs one netops command in this process under the CPU profiler, at Go's default 100 Hz.
// A faster rate does not give more samples: the kernel's timer ticks at 250 Hz or less here, and
// samples above it are lost, so a 1 kHz profile holds about a quarter of the CPU time. A run of a
// fraction of a second gives few samples: run it several times and merge the profiles
// (go tool pprof -top a.prof b.prof …) for a steadier picture of a cold start.
func profile(args []string) error {
	fl := flag.NewFlagSet("profile", flag.ContinueOnError)
	out := fl.String("o", "cpu.prof", "write the CPU profile to this file")
	mem := fl.String("mem", "", "write an allocation profile to this file too")
	if err := fl.Parse(args); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	err = cli.Run(context.Background(), cli.Streams{In: os.Stdin, Out: io.Discard, Err: io.Discard}, fl.Args())
	pprof.StopCPUProfile()
	if *mem != "" {
		if werr := writeHeap(*mem); werr != nil {
			return werr
		}
	}
	if cli.ExitCode(err) == cli.ExitFailure {
		return fmt.Errorf("netops %v: %w", fl.Args(), err)
	}
	return nil
}

func writeHeap(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

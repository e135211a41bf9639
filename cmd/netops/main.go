// Command netops runs GitOps for a network declared in a git repo.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/netops/netops/pkg/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:])
	stop()
	if err != nil && !cli.Silent(err) {
		fmt.Fprintln(os.Stderr, "netops:", err)
	}
	os.Exit(cli.ExitCode(err))
}

//go:build unix

package policy_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, in user and system mode: on a shared machine it
// varies less than the wall time.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

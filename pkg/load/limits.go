package load

import (
	"fmt"
	"os"
	"strconv"
)

// Limits bound what one load reads, so that a careless or hostile repo cannot exhaust memory or time.
// Each can be raised through the environment variable its error names.
type Limits struct {
	FileBytes  int64 // the largest plan file
	TotalBytes int64 // all plan files together
	Documents  int   // YAML documents in the repo
	Depth      int   // nesting of mappings and sequences
}

// The default limits are far above what a network repo needs: the homelab example is 20 kB.
const (
	DefaultFileBytes  = 4 << 20
	DefaultTotalBytes = 32 << 20
	DefaultDocuments  = 20000
	DefaultDepth      = 64
)

// The environment variables that raise the limits.
const (
	EnvFileBytes  = "NETOPS_MAX_FILE_BYTES"
	EnvTotalBytes = "NETOPS_MAX_TOTAL_BYTES"
	EnvDocuments  = "NETOPS_MAX_DOCUMENTS"
	EnvDepth      = "NETOPS_MAX_DEPTH"
)

// LimitsFromEnv returns the default limits, each replaced by its environment variable when that holds
// a positive number.
func LimitsFromEnv() Limits {
	return Limits{
		FileBytes:  envInt(EnvFileBytes, DefaultFileBytes),
		TotalBytes: envInt(EnvTotalBytes, DefaultTotalBytes),
		Documents:  int(envInt(EnvDocuments, DefaultDocuments)),
		Depth:      int(envInt(EnvDepth, DefaultDepth)),
	}
}

func envInt(name string, def int64) int64 {
	n, err := strconv.ParseInt(os.Getenv(name), 10, 64)
	if err != nil || n <= 0 {
		return def
	}
	return n
}

// raise is the hint of an error for a limit that was reached.
func raise(env string, limit int64) string {
	return fmt.Sprintf("split the input, or raise the limit of %d with %s", limit, env)
}

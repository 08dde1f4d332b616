// Package profile lets a solution write a CPU profile when the harness asks
// for one, at the cost of one line in its main function:
//
//	defer profile.Start()()
//
// The harness sets the environment variable named by EnvVar to the output
// path (run bench --profile). Without it, Start does nothing and returns a
// no-op.
package profile

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// EnvVar names the environment variable that holds the CPU profile's path.
const EnvVar = "ONEBRC_CPUPROFILE"

// Start begins a CPU profile written to the file named by $ONEBRC_CPUPROFILE,
// if set, and returns the function that stops it and closes the file. A
// profile that cannot be started is reported on stderr and skipped: the
// solution's answer matters more than its profile.
func Start() (stop func()) {
	path := os.Getenv(EnvVar)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "profile: %s: %v\n", path, err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "profile: %s: %v\n", path, err)
		}
	}
}

//go:build !linux

package harness

// PinCPUs is the PinFunc of "run scale". Setting a CPU affinity that a
// child process inherits is implemented on Linux only (as is
// ProcessRunner); elsewhere PinCPUs returns ErrUnsupported.
func PinCPUs(cores int) (restore func(), err error) {
	return nil, ErrUnsupported
}

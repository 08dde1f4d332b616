//go:build !linux

package harness

import "context"

// ProcessRunner is the Runner that executes real programs and measures
// their whole process tree. It is implemented on Linux only; elsewhere Run
// returns ErrUnsupported.
type ProcessRunner struct{}

// NewProcessRunner returns a ProcessRunner.
func NewProcessRunner() (*ProcessRunner, error) { return &ProcessRunner{}, nil }

// Run implements Runner by returning ErrUnsupported.
func (*ProcessRunner) Run(ctx context.Context, c Command) (Measurement, error) {
	return Measurement{}, ErrUnsupported
}

//go:build !linux

package harness

import (
	"errors"
	"fmt"
)

// HoldMapped is Linux only (see hold_linux.go); elsewhere it reports
// errors.ErrUnsupported, and run bench goes on without holding the file.
func HoldMapped(path string) (release func() error, err error) {
	return nil, fmt.Errorf("harness: hold %s: %w", path, errors.ErrUnsupported)
}

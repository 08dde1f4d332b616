//go:build !linux

package harness

import (
	"errors"
	"fmt"
)

// Resident reports which fraction of the file at path is in the page
// cache. It is implemented on Linux only; elsewhere it returns an error
// wrapping errors.ErrUnsupported.
func Resident(path string) (float64, error) {
	return 0, fmt.Errorf("harness: resident: %w", errors.ErrUnsupported)
}

// DropCached asks the kernel to drop the file at path from the page
// cache. It is implemented on Linux only; elsewhere it returns an error
// wrapping errors.ErrUnsupported.
func DropCached(path string) error {
	return fmt.Errorf("harness: drop cached: %w", errors.ErrUnsupported)
}

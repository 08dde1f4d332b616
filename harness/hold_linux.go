//go:build linux

package harness

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// HoldMapped maps the file at path read-only and faults every page of it
// into the mapping (madvise MADV_POPULATE_READ, Linux 5.14 and later; one
// read per page before that), reading from disk what the page cache lacks.
// The pages stay mapped until release unmaps them. Proactive reclaim that
// takes only the file pages no process maps (this project's VM runs such a
// DAMON scheme; see the README) passes them over, so while `run hold`
// holds the data file it stays cached, in the folios it was read into, for
// the whole benchmark. Memory pressure still reclaims mapped pages: nothing
// is locked.
func HoldMapped(path string) (release func() error, err error) {
	m, err := mapFile(path)
	if err != nil {
		return nil, fmt.Errorf("harness: hold: %w", err)
	}
	if m == nil {
		return func() error { return nil }, nil // an empty file
	}
	if err := unix.Madvise(m, unix.MADV_POPULATE_READ); err != nil {
		if !errors.Is(err, unix.EINVAL) {
			unix.Munmap(m)
			return nil, fmt.Errorf("harness: hold: madvise %s: %w", path, err)
		}
		// A kernel without MADV_POPULATE_READ: a read fault per page.
		var sum byte
		for i := 0; i < len(m); i += os.Getpagesize() {
			sum += m[i]
		}
		runtime.KeepAlive(sum)
	}
	return func() error {
		if err := unix.Munmap(m); err != nil {
			return fmt.Errorf("harness: hold: munmap %s: %w", path, err)
		}
		return nil
	}, nil
}

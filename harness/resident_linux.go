//go:build linux

package harness

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Resident reports which fraction of the file at path is in the page
// cache, from mincore(2) on a read-only mapping of it (mapping the file
// and asking reads none of it). An empty file counts as resident.
func Resident(path string) (float64, error) {
	m, err := mapFile(path)
	if err != nil {
		return 0, fmt.Errorf("harness: resident: %w", err)
	}
	if m == nil {
		return 1, nil
	}
	defer unix.Munmap(m)
	page := os.Getpagesize()
	vec := make([]byte, (len(m)+page-1)/page)
	if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		return 0, fmt.Errorf("harness: resident: mincore %s: %w", path, errno)
	}
	in := 0
	for _, v := range vec {
		in += int(v & 1) // the low bit: the page is resident
	}
	return float64(in) / float64(len(vec)), nil
}

// mapFile maps the file at path read-only and shared, or returns nil for
// an empty file (mmap refuses length 0). The caller unmaps it.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError: "open PATH: ..."
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size == 0 {
		return nil, nil
	}
	if int64(int(size)) != size {
		return nil, fmt.Errorf("%s: too large to map", path)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	return m, nil
}

// DropCached asks the kernel to drop the file at path from the page cache
// (posix_fadvise with POSIX_FADV_DONTNEED on the whole file). Clean pages
// that no process maps go; the call succeeds where the filesystem keeps
// them (tmpfs), and dirty pages stay until they are written.
func DropCached(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("harness: drop cached: %w", err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("harness: drop cached %s: %w", path, err)
	}
	return nil
}

//go:build linux

package main

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestPrefetchNeverFaults calls prefetch on memory no load may touch:
// a page mapped without access, a page of a file mapping past the file's
// end (a load there is SIGBUS), and a page released with MADV_DONTNEED,
// which must stay unmapped. A prefetch that loaded the bytes would
// crash the test or map the released page again.
func TestPrefetchNeverFaults(t *testing.T) {
	page := os.Getpagesize()

	t.Run("no access", func(t *testing.T) {
		m, err := unix.Mmap(-1, 0, 2*page, unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Munmap(m)
		if err := unix.Mprotect(m[page:], unix.PROT_NONE); err != nil {
			t.Fatal(err)
		}
		prefetch(unsafe.Pointer(&m[0]), 2*page)
		prefetch(unsafe.Pointer(&m[page]), 1) // one line
	})

	t.Run("past the end of a file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "short.txt")
		if err := os.WriteFile(path, []byte("Hamburg;12.0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		m, err := unix.Mmap(int(f.Fd()), 0, 4*page, unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Munmap(m)
		prefetch(unsafe.Pointer(&m[0]), 4*page)
		if string(m[:7]) != "Hamburg" {
			t.Fatalf("first page reads %q", m[:7])
		}
	})

	t.Run("released", func(t *testing.T) {
		m, err := unix.Mmap(-1, 0, 4*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Munmap(m)
		for i := range m {
			m[i] = 1
		}
		if err := unix.Madvise(m, unix.MADV_DONTNEED); err != nil {
			t.Fatal(err)
		}
		prefetch(unsafe.Pointer(&m[0]), len(m))
		for i, in := range resident(t, m) {
			if in {
				t.Errorf("page %d is mapped again after the prefetch", i)
			}
		}
		if m[0] != 0 { // the release did happen
			t.Fatalf("released page reads %d", m[0])
		}
		if !resident(t, m)[0] { // and a load does map the page, so the check above can fail
			t.Fatal("a load left page 0 unmapped: mincore does not see what this test needs")
		}
	})
}

// resident reports for each page of m whether it is resident (mincore(2)).
func resident(t *testing.T, m []byte) []bool {
	t.Helper()
	page := os.Getpagesize()
	vec := make([]byte, (len(m)+page-1)/page)
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		t.Fatalf("mincore: %v", errno)
	}
	in := make([]bool, len(vec))
	for i, v := range vec {
		in[i] = v&1 != 0
	}
	return in
}

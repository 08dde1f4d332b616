package main

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestMappedSmall reads this process's own /proc/self/smaps: a Go heap
// buffer, written to, is resident and holds no file pages, so none of it
// is mapped as 2 MiB file pages; a fresh anonymous mapping not yet touched
// has no resident page to tell by, and an empty slice no mapping to ask
// about.
func TestMappedSmall(t *testing.T) {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = 1
	}
	if small, known := mappedSmall(b); !small || !known {
		t.Errorf("mappedSmall(a heap buffer) = %v, %v; want true, true", small, known)
	}
	m, err := unix.Mmap(-1, 0, 4*os.Getpagesize(), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	if _, known := mappedSmall(m); known {
		t.Error("mappedSmall(an untouched mapping): known, want unknown")
	}
	if _, known := mappedSmall(nil); known {
		t.Error("mappedSmall(nil): known, want unknown")
	}
}

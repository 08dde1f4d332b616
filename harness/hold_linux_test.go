//go:build linux

package harness

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// vmRSS returns the process's resident set size in bytes, from
// /proc/self/status (anonymous, file and shared memory pages).
func vmRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS: %v", err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestHoldMapped: while held, every page of the file is mapped into this
// process (its resident set grows by the file's size, though nothing read
// the mapping), and release takes them out again.
func TestHoldMapped(t *testing.T) {
	const size = 16 << 20
	path := filepath.Join(t.TempDir(), "m.txt")
	if err := os.WriteFile(path, bytes.Repeat([]byte("Hamburg;12.0\n"), size/13+1), 0o644); err != nil {
		t.Fatal(err)
	}
	before := vmRSS(t)
	release, err := HoldMapped(path)
	if err != nil {
		t.Fatal(err)
	}
	held := vmRSS(t)
	if err := release(); err != nil {
		t.Fatal(err)
	}
	after := vmRSS(t)
	if held-before < size*7/8 {
		t.Errorf("resident set grew by %d bytes while holding a %d-byte file, want nearly all of it", held-before, size)
	}
	if held-after < size*7/8 {
		t.Errorf("resident set shrank by %d bytes on release, want nearly %d", held-after, size)
	}
}

// TestHoldMappedEmpty: an empty file (which mmap refuses) is held trivially.
func TestHoldMappedEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.txt")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	release, err := HoldMapped(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if _, err := HoldMapped(filepath.Join(t.TempDir(), "missing.txt")); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("HoldMapped(missing) = %v, want an error naming the file", err)
	}
}

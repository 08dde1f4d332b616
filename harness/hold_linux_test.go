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

// mappedFileBytes returns how much of the process's resident set is file
// pages (RssFile plus RssShmem, for a file on tmpfs), from
// /proc/self/status: unlike VmRSS it does not move when the Go runtime
// returns freed heap memory to the kernel.
func mappedFileBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	found := 0
	for _, line := range strings.Split(string(b), "\n") {
		for _, key := range []string{"RssFile:", "RssShmem:"} {
			if v, ok := strings.CutPrefix(line, key); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err != nil {
					t.Fatalf("%s %v", key, err)
				}
				sum += kb << 10
				found++
			}
		}
	}
	if found != 2 {
		t.Fatal("no RssFile and RssShmem in /proc/self/status")
	}
	return sum
}

// TestHoldMapped: while held, every page of the file is mapped into this
// process (its resident file pages grow by the file's size, though nothing
// read the mapping), and release takes them out again.
func TestHoldMapped(t *testing.T) {
	const size = 16 << 20
	path := filepath.Join(t.TempDir(), "m.txt")
	if err := os.WriteFile(path, bytes.Repeat([]byte("Hamburg;12.0\n"), size/13+1), 0o644); err != nil {
		t.Fatal(err)
	}
	before := mappedFileBytes(t)
	release, err := HoldMapped(path)
	if err != nil {
		t.Fatal(err)
	}
	held := mappedFileBytes(t)
	if err := release(); err != nil {
		t.Fatal(err)
	}
	after := mappedFileBytes(t)
	if held-before < size*7/8 {
		t.Errorf("resident file pages grew by %d bytes while holding a %d-byte file, want nearly all of it", held-before, size)
	}
	if held-after < size*7/8 {
		t.Errorf("resident file pages shrank by %d bytes on release, want nearly %d", held-after, size)
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

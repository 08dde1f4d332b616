package main

import "testing"

// TestMappedSmall reads this process's own /proc/self/smaps: a Go heap
// buffer, written to, is resident and holds no file pages, so none of it
// is mapped as 2 MiB file pages; an empty slice has no mapping to ask
// about.
func TestMappedSmall(t *testing.T) {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = 1
	}
	if !mappedSmall(b) {
		t.Error("mappedSmall(a heap buffer) = false, want true")
	}
	if mappedSmall(nil) {
		t.Error("mappedSmall(nil) = true, want false")
	}
}

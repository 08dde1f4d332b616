package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// TestNewSlots: the slots start on a huge-page boundary, are zero, and
// lie in a mapping that carries the huge-page advice ("hg" in its VmFlags
// in /proc/self/smaps) on a kernel with transparent huge pages. Whether
// the kernel then backs them with huge pages depends on its settings and
// free memory; README.md says how to see it in a run (AnonHugePages).
func TestNewSlots(t *testing.T) {
	s := newSlots()
	addr := uintptr(unsafe.Pointer(s))
	if addr%hugePage != 0 {
		t.Errorf("slots at %#x, not a multiple of %#x", addr, hugePage)
	}
	for i := range s.entries {
		if s.entries[i] != (entry{}) || s.tails[i] != (tail{}) {
			t.Fatalf("slot %d = %+v, %v, want zero", i, s.entries[i], s.tails[i])
		}
	}
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage"); err != nil {
		t.Skipf("no transparent huge pages here: %v", err)
	}
	for _, a := range []uintptr{addr, addr + unsafe.Sizeof(*s) - 1} {
		flags, err := vmFlags(a)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(" "+flags+" ", " hg ") {
			t.Errorf("mapping of %#x: VmFlags %q, want hg (MADV_HUGEPAGE)", a, flags)
		}
	}
}

// vmFlags returns the VmFlags of the mapping of this process that holds
// the address a, from /proc/self/smaps.
func vmFlags(a uintptr) (string, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return "", err
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 {
			in = lo <= a && a < hi
		} else if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && in {
			return strings.TrimSpace(flags), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("/proc/self/smaps: no mapping holds %#x", a)
}

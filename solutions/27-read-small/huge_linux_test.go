package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
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

// TestNewSlotsReused: slots allocated from memory the Go heap used before,
// which it zeroes (touching every page in 4 KiB) before it hands it out,
// have no resident page once newSlots returns (adviseHuge gave them back,
// so that the first writes map huge pages). It first checks that the heap
// does hand out such memory after the churn below: a plain allocation of
// the same size is resident.
func TestNewSlotsReused(t *testing.T) {
	size := unsafe.Sizeof(slotArray{}) + hugePage
	churn := func() {
		for range 4 {
			b := make([]byte, 2*size)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			runtime.KeepAlive(b)
		}
		runtime.GC()
	}
	churn()
	plain := make([]byte, size)
	if n, err := residentPages(unsafe.Pointer(&plain[0]), size); err != nil {
		t.Fatal(err)
	} else if n == 0 {
		t.Skip("the heap handed out fresh memory here: nothing to give back")
	}
	runtime.KeepAlive(plain)
	plain = nil
	churn()
	s := newSlots()
	n, err := residentPages(unsafe.Pointer(s), unsafe.Sizeof(*s))
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d pages of the slots resident after newSlots, want 0", n)
	}
	if s.entries[12345] != (entry{}) || s.tails[tableSize-1] != (tail{}) {
		t.Errorf("slots not zero after newSlots")
	}
}

// residentPages counts the pages of [p, p+n) in memory (mincore); p must
// be page-aligned.
func residentPages(p unsafe.Pointer, n uintptr) (int, error) {
	pages := (n + 4095) / 4096
	vec := make([]byte, pages)
	if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(p), n, uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		return 0, fmt.Errorf("mincore: %w", errno)
	}
	count := 0
	for _, v := range vec {
		count += int(v & 1)
	}
	return count, nil
}

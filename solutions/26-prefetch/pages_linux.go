package main

import (
	"os"
	"unsafe"
)

// mappedSmall reports whether the mapping that holds b, a part of the
// mapped file, has more of its resident bytes in small (4 KiB) pages than
// in 2 MiB ones, as /proc/self/smaps tells (vmaPages). The page cache
// holds a file that was read back from disk in large folios, which a fault
// maps 2 MiB at a time, and a file as it was written in small ones (see
// README.md). known is false when it cannot tell: no smaps, no entry for
// b, or no resident page in the mapping at the moment (the workers release
// each other's segments' last pages, so that a mapping read with pread may
// have none).
func mappedSmall(b []byte) (small, known bool) {
	if len(b) == 0 {
		return false, false
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return false, false
	}
	rss, pmd, ok := vmaPages(smaps, uintptr(unsafe.Pointer(&b[0])))
	if !ok || rss == 0 {
		return false, false
	}
	return rss-pmd > pmd, true
}

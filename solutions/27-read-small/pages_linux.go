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
// README.md); where it cannot tell, it reports false.
func mappedSmall(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return false
	}
	rss, pmd, ok := vmaPages(smaps, uintptr(unsafe.Pointer(&b[0])))
	return ok && rss-pmd > pmd
}

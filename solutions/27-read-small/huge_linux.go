package main

import "golang.org/x/sys/unix"

// adviseHuge asks Linux to back b with transparent huge pages
// (madvise MADV_HUGEPAGE). It ignores the error: EINVAL means a kernel
// without them, and the memory is then as good as before.
func adviseHuge(b []byte) {
	unix.Madvise(b, unix.MADV_HUGEPAGE)
}

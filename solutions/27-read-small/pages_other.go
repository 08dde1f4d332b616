//go:build !linux

package main

// mappedSmall reports false on this system, which has no
// /proc/self/smaps to tell how the file is mapped: the step reads without
// prefetching, as step 25 does.
func mappedSmall(b []byte) bool { return false }

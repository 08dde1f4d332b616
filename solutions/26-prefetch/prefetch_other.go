//go:build !amd64

package main

import "unsafe"

// prefetch does nothing on this architecture; on amd64 it is an assembly
// loop of PREFETCHT0 (prefetch_amd64.s). Only the SIMD code, built for
// amd64 only, prefetches.
func prefetch(p unsafe.Pointer, n int) {}

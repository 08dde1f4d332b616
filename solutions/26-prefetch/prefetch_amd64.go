package main

import "unsafe"

// prefetch asks the CPU to bring the n bytes from p into its caches ahead
// of the loads that will read them (PREFETCHT0). It is a hint only and
// never faults: p+n may lie past the mapping or in pages not mapped yet
// (or released with madvise, which a prefetch does not map again).
// Written in assembly (prefetch_amd64.s): Go has no prefetch a program may
// call.
//
//go:noescape
func prefetch(p unsafe.Pointer, n int)

package main

import "unsafe"

// prefetchNTA asks the CPU to bring the n bytes from p into its first-level
// cache ahead of the loads that will read them, with the non-temporal hint:
// on AMD and Intel CPUs, lines fetched so are the first to leave the
// outer caches, where they would otherwise push out the slots of the
// table. It is a hint only and never faults: p+n may lie past the mapping
// or in pages not mapped yet (or released with madvise, which a prefetch
// does not map again). Written in assembly (prefetch_amd64.s): Go has no
// prefetch a program may call.
//
//go:noescape
func prefetchNTA(p unsafe.Pointer, n int)

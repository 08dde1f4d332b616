//go:build !(goexperiment.simd && amd64)

package main

import "unsafe"

// haveSIMD reports whether this build has lines1SIMD and the SIMD rounds: it
// has not, as it was built without GOEXPERIMENT=simd or not for amd64.
// The portable code in main.go (lines1 and linesN) then reads every line.
func haveSIMD() bool { return false }

// aesHash is never called in this build (see haveSIMD and table.hash).
func aesHash(x0, x1 uint64) uintptr {
	panic("aesHash: not in this build")
}

// lines1SIMD is never called in this build (see haveSIMD).
func (t *table) lines1SIMD(base unsafe.Pointer, p, end int) int {
	panic("lines1SIMD: not in this build")
}

// linesNSIMD is never called in this build (see haveSIMD).
func (t *table) linesNSIMD(base unsafe.Pointer, pos, ends *[cursors]int) bool {
	panic("linesNSIMD: not in this build")
}

// linesDSIMD is never called in this build (see haveSIMD).
func (t *table) linesDSIMD(base unsafe.Pointer, pos, ends *[cursors]int) bool {
	panic("linesDSIMD: not in this build")
}

// linesWSIMD is never called in this build (see haveSIMD).
func (t *table) linesWSIMD(base unsafe.Pointer, pos, ends *[wideCursors]int) bool {
	panic("linesWSIMD: not in this build")
}

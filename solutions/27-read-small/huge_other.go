//go:build !linux

package main

// adviseHuge does nothing on this system: MADV_HUGEPAGE is Linux's, and
// the slots live in the pages the Go heap gives them.
func adviseHuge(b []byte) {}

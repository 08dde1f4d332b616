package main

import (
	"bytes"
	"os"
	"testing"
)

// TestVMAPages reads two /proc/PID/smaps excerpts of step 25 reading a
// 100M-row classic file (three entries each: the file's mapping between an
// address-space reservation and an anonymous mapping), one with the file
// read back from disk (mapped in 2 MiB pages) and one with the file as the
// generator had written it (4 KiB pages), and edited copies.
func TestVMAPages(t *testing.T) {
	pmd, err := os.ReadFile("testdata/smaps-pmd.txt")
	if err != nil {
		t.Fatal(err)
	}
	small, err := os.ReadFile("testdata/smaps-small.txt")
	if err != nil {
		t.Fatal(err)
	}
	noPMD := bytes.Replace(pmd, []byte("FilePmdMapped:     83968 kB\n"), nil, 1)
	badRss := bytes.Replace(pmd, []byte("Rss:               83968 kB"), []byte("Rss:               83968 MB"), 1)
	for _, c := range []struct {
		name     string
		smaps    []byte
		addr     uintptr
		rss, pmd int64
		ok       bool
	}{
		{"pmd: the file's first byte", pmd, 0x7f7656000000, 83968, 83968, true},
		{"pmd: inside the file", pmd, 0x7f7656000000 + 700<<20, 83968, 83968, true},
		{"pmd: the file's last byte", pmd, 0x7f76a83ad000 - 1, 83968, 83968, true},
		{"pmd: just past the file, in no entry", pmd, 0x7f76a83ad000, 0, 0, false},
		{"pmd: the reservation before it", pmd, 0x1a5fbb000000, 0, 0, true},
		{"pmd: the anonymous mapping after it", pmd, 0x7f76a8450000, 124, 0, true},
		{"small: the file", small, 0x7fd9e4e00000 + 1<<30, 16384, 0, true},
		{"below every entry", small, 0x1000, 0, 0, false},
		{"no FilePmdMapped line (an older kernel)", noPMD, 0x7f7656000000, 0, 0, false},
		{"a figure not in kB", badRss, 0x7f7656000000, 0, 0, false},
		{"empty", nil, 0x7f7656000000, 0, 0, false},
	} {
		rss, pmd, ok := vmaPages(c.smaps, c.addr)
		if ok != c.ok || ok && (rss != c.rss || pmd != c.pmd) {
			t.Errorf("%s: vmaPages(%#x) = %d, %d, %v; want %d, %d, %v", c.name, c.addr, rss, pmd, ok, c.rss, c.pmd, c.ok)
		}
	}
}

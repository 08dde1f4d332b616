package main

import (
	"bufio"
	"bytes"
	"strconv"
)

// vmaPages returns the Rss and FilePmdMapped figures, in kB, of the entry
// of smaps (the text of /proc/PID/smaps) for the mapping that holds the
// address addr: how much of the mapping is resident, and how much of that
// is file pages mapped whole as 2 MiB pages (page-middle-directory
// entries). ok is false when no entry holds addr or the entry lacks either
// figure.
func vmaPages(smaps []byte, addr uintptr) (rss, pmd int64, ok bool) {
	in := false // in the entry that holds addr
	var seen int
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		line := sc.Bytes()
		if lo, hi, isHeader := vmaRange(line); isHeader {
			if in {
				break // the next entry
			}
			in = lo <= addr && addr < hi
			continue
		}
		if !in {
			continue
		}
		for _, f := range [...]struct {
			name string
			v    *int64
		}{{"Rss:", &rss}, {"FilePmdMapped:", &pmd}} {
			if v, found := bytes.CutPrefix(line, []byte(f.name)); found {
				fields := bytes.Fields(v)
				if len(fields) != 2 || string(fields[1]) != "kB" {
					return 0, 0, false
				}
				n, err := strconv.ParseInt(string(fields[0]), 10, 64)
				if err != nil {
					return 0, 0, false
				}
				*f.v = n
				seen++
			}
		}
	}
	return rss, pmd, seen == 2
}

// vmaRange parses the header line of an smaps entry, "lo-hi perms offset
// dev inode path" with lo and hi in hexadecimal, and reports whether line
// is one.
func vmaRange(line []byte) (lo, hi uintptr, ok bool) {
	r, _, found := bytes.Cut(line, []byte(" "))
	if !found {
		return 0, 0, false
	}
	a, b, found := bytes.Cut(r, []byte("-"))
	if !found {
		return 0, 0, false
	}
	x, err := strconv.ParseUint(string(a), 16, 64)
	if err != nil {
		return 0, 0, false
	}
	y, err := strconv.ParseUint(string(b), 16, 64)
	if err != nil {
		return 0, 0, false
	}
	return uintptr(x), uintptr(y), true
}

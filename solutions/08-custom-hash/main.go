// Step 08 keeps the stations in a hash table of its own: open addressing
// with linear probing over 2^16 slots, with the name's hash computed in the
// same pass that looks for the ';'.
//
// Usage:
//
//	08-custom-hash FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE
// gives a message on stderr naming it and exit status 1.
//
// Changed from 07-swiss (which lost to the built-in map of 06): dolthub/swiss
// is gone, and so is bytes.IndexByte. addLines walks the name a byte at a
// time until the ';', folding each byte into an FNV-1a hash as it goes.
// Each worker owns a table: 65,536 slots of {hash, name offset and length,
// verify.Stats} without pointers, and a byte slice to which each new name
// is copied (the chunk it came from is reused). A lookup starts at a slot
// chosen by the hash, and accepts a slot only if the stored hash matches
// and the stored name equals the line's name byte for byte, so two names
// are never merged, whatever their hashes; otherwise it moves to the next
// slot, wrapping around. 10,000 names fill less than a sixth of the slots,
// so probe runs stay short. As a guard against input that breaks the rules,
// a table refuses more than 32,768 names and the program then exits with
// an error, instead of filling the table and probing forever.
//
// Why: in 06's CPU profile on a 100M-row file, 52% of the samples were in
// the built-in map's lookup, and 07 showed that a general-purpose Swiss
// table as a library does no better. A map must hash the key it is given in
// a pass of its own, after bytes.IndexByte has already read every byte of
// the name; here the byte loop that finds the ';' also produces the hash,
// the hash is a plain function of the bytes with no call through a function
// pointer, and the table holds just what a station needs.
//
// Measured: see results/leaderboard.md.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/onebrc/onebrc/harness/profile"
	"github.com/onebrc/onebrc/verify"
)

func main() {
	defer profile.Start()()
	if err := run(os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// chunkSize is the size of the buffers the reader fills and hands out.
const chunkSize = 64 << 20

// run aggregates the file named by args[1] and writes the answer to stdout.
func run(args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: %s FILE", filepath.Base(args[0]))
	}
	path := args[1]
	f, err := os.Open(path)
	if err != nil {
		return err // *PathError: "open FILE: ..."
	}
	defer f.Close()
	stations, err := aggregate(f, chunkSize, runtime.GOMAXPROCS(0))
	if err != nil {
		return err // *PathError from Read: "read FILE: ..."
	}
	return verify.Write(stdout, stations)
}

// aggregate reads r in chunks of size bytes with the given number of
// workers and returns one Station per distinct name.
func aggregate(r io.Reader, size, workers int) ([]verify.Station, error) {
	chunks := make(chan []byte)
	free := make(chan []byte, workers+1)
	for range workers + 1 {
		free <- make([]byte, size)
	}
	results := make(chan *table)
	for range workers {
		go work(chunks, free, results)
	}
	readErr := read(r, chunks, free)

	// Reduce: fold every worker's table into one map.
	merged := make(map[string]*verify.Stats)
	full := false
	for range workers {
		t := <-results
		full = full || t.full
		for i := range t.slots {
			e := &t.slots[i]
			if e.stats.Count == 0 {
				continue
			}
			name := t.names[e.off : e.off+e.len]
			if m := merged[string(name)]; m != nil {
				m.Merge(e.stats)
			} else {
				merged[string(name)] = &e.stats
			}
		}
	}
	if readErr != nil {
		return nil, readErr
	}
	if full {
		return nil, errTooManyNames
	}
	stations := make([]verify.Station, 0, len(merged))
	for name, s := range merged {
		stations = append(stations, verify.Station{Name: name, Stats: *s})
	}
	return stations, nil
}

// read fills buffers taken from free with r's bytes and sends them on
// chunks, each cut after its last '\n' (the final one at the end of the
// input); the bytes after that '\n', the start of a line, begin the next
// buffer. It closes chunks when the input ends or fails.
func read(r io.Reader, chunks chan<- []byte, free chan []byte) error {
	defer close(chunks)
	var carry []byte // the partial line at the end of the previous buffer
	for {
		buf := <-free
		buf = buf[:cap(buf)]
		if len(carry) >= len(buf)/2 {
			// A line as long as half a buffer: only with chunks smaller
			// than a few lines. Grow so that every read makes progress.
			buf = make([]byte, 2*len(carry)+1)
		}
		n := copy(buf, carry)
		m, err := io.ReadFull(r, buf[n:])
		n += m
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if n > 0 {
				chunks <- buf[:n] // the last line may lack its '\n'
			}
			return nil
		}
		if err != nil {
			return err
		}
		last := bytes.LastIndexByte(buf[:n], '\n')
		carry = append(carry[:0], buf[last+1:n]...)
		if last < 0 {
			free <- buf // no line ends in this buffer: read on
			continue
		}
		chunks <- buf[:last+1]
	}
}

// work aggregates every chunk received on chunks into a table of its own,
// returns each buffer to free, and sends the table on results when chunks
// is closed. Once the table is full it only returns the buffers.
func work(chunks <-chan []byte, free chan<- []byte, results chan<- *table) {
	t := newTable()
	for chunk := range chunks {
		if !t.full {
			addLines(t, chunk)
		}
		free <- chunk
	}
	results <- t
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// addLines adds every line of chunk to t without allocating, except when a
// new station's name is copied into the table. It stops, with t.full set, at
// a name that does not fit in the table.
func addLines(t *table, chunk []byte) {
	for len(chunk) > 0 {
		// Find the ';' and hash the name in the same pass over its bytes.
		h := uint64(fnvOffset)
		semi := 0
		for semi < len(chunk) && chunk[semi] != ';' {
			h = (h ^ uint64(chunk[semi])) * fnvPrime
			semi++
		}
		if semi == len(chunk) {
			return // a truncated last line
		}
		name := chunk[:semi]
		v, n := parseTenths(chunk[semi+1:])
		chunk = chunk[semi+1+n:]
		s := t.lookup(name, h)
		if s == nil {
			t.full = true
			return
		}
		s.Add(v)
	}
}

// Table sizes: 2^16 slots keep the load factor under 0.16 with the 10,000
// names the rules allow, so probe sequences stay short. maxNames, half the
// slots, is only there so that input breaking the rules cannot fill the
// table: lookup always finds a free slot.
const (
	tableBits = 16
	tableSize = 1 << tableBits
	tableMask = tableSize - 1
	maxNames  = tableSize / 2
)

// errTooManyNames is returned for input with more than maxNames distinct
// names, far beyond the 10,000 the rules allow.
var errTooManyNames = fmt.Errorf("more than %d distinct station names", maxNames)

// table is an open-addressing hash table from station name to stats with
// linear probing. Names are copied into the table, since the chunk they
// come from is reused.
type table struct {
	slots [tableSize]entry
	names []byte // every name, back to back; entries hold offsets
	count int    // slots in use
	full  bool   // a name did not fit: the table's stats are incomplete
}

// entry is one slot of a table. A slot is free while stats.Count is 0:
// every name is looked up to add a value to it.
type entry struct {
	hash     uint64 // the name's FNV-1a hash
	off, len uint32 // the name is names[off : off+len]
	stats    verify.Stats
}

func newTable() *table {
	return &table{names: make([]byte, 0, 1<<16)}
}

// lookup returns the stats of name, whose hash is h, adding a slot for a
// new name. It returns nil when the table already holds maxNames names.
// Two names are the same only if their hashes match and their bytes are
// equal: names with the same hash get different slots.
func (t *table) lookup(name []byte, h uint64) *verify.Stats {
	i := (h ^ h>>32) & tableMask
	for {
		e := &t.slots[i]
		if e.stats.Count == 0 {
			if t.count == maxNames {
				return nil
			}
			t.count++
			e.hash, e.off, e.len = h, uint32(len(t.names)), uint32(len(name))
			t.names = append(t.names, name...)
			return &e.stats
		}
		if e.hash == h && bytes.Equal(t.names[e.off:e.off+e.len], name) {
			return &e.stats
		}
		i = (i + 1) & tableMask
	}
}

// parseTenths parses the value at the start of b, of the form -?\d{1,2}\.\d
// and followed by '\n' or the end of b, into integer tenths: "-12.3\n" is
// -123. It also returns the number of bytes the value and its '\n' take,
// which is where the next line starts. It trusts b to hold a valid value,
// except that it never reads past the end of b: a truncated value gives a
// wrong number, and n covers the rest of b.
func parseTenths(b []byte) (v int64, n int) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		n = 1
	}
	switch {
	case len(b) >= n+3 && b[n+1] == '.': // d.d
		v = int64(b[n]-'0')*10 + int64(b[n+2]-'0')
		n += 3
	case len(b) >= n+4 && b[n+2] == '.': // dd.d
		v = int64(b[n]-'0')*100 + int64(b[n+1]-'0')*10 + int64(b[n+3]-'0')
		n += 4
	default:
		return 0, len(b)
	}
	if neg {
		v = -v
	}
	if n < len(b) {
		n++ // the '\n'
	}
	return v, n
}

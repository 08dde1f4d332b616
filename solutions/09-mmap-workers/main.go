// Step 09 maps the whole file into memory with github.com/edsrzf/mmap-go
// and lets the workers claim 4 MB segments of it through an atomic cursor,
// instead of reading it through a goroutine into 64 MB buffers.
//
// Usage:
//
//	09-mmap-workers FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE
// gives a message on stderr naming it and exit status 1.
//
// Changed from 08-custom-hash: the reader goroutine, its buffers, the carry
// of partial lines and the channels are gone. run maps the file read-only
// (an empty file is answered "{}" without mapping: mmap cannot map zero
// bytes), and each worker repeatedly claims the next segment by adding one
// to a shared atomic counter, until the segments run out. A segment [a, b)
// owns every line whose first byte lies in it: the worker skips to just
// after the first '\n' at or after a-1 (a itself if data[a-1] is '\n', or
// a is 0) and reads lines while their start is before b, reading the last
// one past b. So every line is read exactly once, by one worker, however
// the boundaries fall. The parsing and the table are 08's; addLines works
// on the mapping with offsets instead of on a chunk.
//
// Why: with the file in the page cache, 08's read system calls copied every
// byte from the kernel into a buffer before a worker could look at it: 5% of
// the CPU samples of 08's profile on a 100M-row file, and 0.3–0.9 s of
// system time over the run. A mapping lets the workers read the page
// cache in place. The 64 MB chunks also left one worker alone with the last
// chunk while the others had nothing to do; with segments of 4 MB claimed
// on demand, workers finish within one small segment of each other, and a
// worker that the scheduler slows down simply claims fewer segments.
//
// Measured: see results/leaderboard.md. Peak RSS includes the file's pages
// mapped in the page cache, so it is about the size of the file.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"

	"github.com/edsrzf/mmap-go"

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

// segmentSize is the size of the pieces of the file that workers claim
// one at a time.
const segmentSize = 4 << 20

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
	stations, err := aggregateFile(f, runtime.GOMAXPROCS(0))
	if err != nil {
		return err
	}
	return verify.Write(stdout, stations)
}

// aggregateFile maps f into memory and aggregates it with the given number
// of workers.
func aggregateFile(f *os.File, workers int) ([]verify.Station, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err // *PathError: "stat FILE: ..."
	}
	if fi.Size() == 0 {
		return nil, nil // mmap cannot map an empty file
	}
	data, err := mmap.Map(f, mmap.RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", f.Name(), err)
	}
	stations, err := aggregate(data, segmentSize, workers)
	if err != nil {
		err = fmt.Errorf("%s: %w", f.Name(), err)
	}
	if unmapErr := data.Unmap(); unmapErr != nil && err == nil {
		err = fmt.Errorf("munmap %s: %w", f.Name(), unmapErr)
	}
	return stations, err
}

// aggregate splits data into segments of size bytes, which the given
// number of workers claim in turn, and returns one Station per distinct name
// (none for empty data).
func aggregate(data []byte, size, workers int) ([]verify.Station, error) {
	var next atomic.Int64 // index of the next unclaimed segment
	results := make(chan *table)
	for range workers {
		go func() {
			t := newTable()
			for !t.full {
				a := (next.Add(1) - 1) * int64(size)
				if a >= int64(len(data)) {
					break
				}
				addSegment(t, data, int(a), min(int(a)+size, len(data)))
			}
			results <- t
		}()
	}

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
	if full {
		return nil, errTooManyNames
	}
	stations := make([]verify.Station, 0, len(merged))
	for name, s := range merged {
		stations = append(stations, verify.Station{Name: name, Stats: *s})
	}
	return stations, nil
}

// addSegment adds to t the lines of data that start in [a, b). A segment
// owns every line whose first byte lies in it, wherever the line ends: the
// line running into the segment from before a belongs to the previous one,
// and the last line may run past b.
func addSegment(t *table, data []byte, a, b int) {
	if a > 0 {
		// A line starts at p if p is 0 or data[p-1] is '\n'.
		i := bytes.IndexByte(data[a-1:b], '\n')
		if i < 0 {
			return // no line starts in [a, b)
		}
		a += i
	}
	addLines(t, data, a, b)
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// addLines adds to t the lines of data that start at p and after, before
// end, without allocating, except when a new station's name is copied into
// the table. p must be the start of a line. It stops, with t.full set, at a
// name that does not fit in the table.
func addLines(t *table, data []byte, p, end int) {
	for p < end {
		// Find the ';' and hash the name in the same pass over its bytes.
		h := uint64(fnvOffset)
		semi := p
		for semi < len(data) && data[semi] != ';' {
			h = (h ^ uint64(data[semi])) * fnvPrime
			semi++
		}
		if semi == len(data) {
			return // a truncated last line
		}
		name := data[p:semi]
		v, n := parseTenths(data[semi+1:])
		p = semi + 1 + n
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
// linear probing. Names are copied into the table, since the mapping they
// come from is unmapped before the answer is formatted.
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

// Step 10 reads each line 8 bytes at a time (SWAR: SIMD within a
// register): it finds the ';' a word at a time, parses the temperature
// without a branch, and compares names a word at a time.
//
// Usage:
//
//	10-swar FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE
// gives a message on stderr naming it and exit status 1.
//
// Changed from 09-mmap-workers:
//
//   - The ';' is found in 8-byte little-endian words with the classic
//     has-zero-byte test on w ^ 0x3B3B…3B: (x - 0x0101…01) &^ x & 0x8080…80
//     marks the first ';' byte exactly (semiBits). The hash is built from the
//     same words, one multiply per 8 bytes of name instead of one per byte.
//   - The temperature is parsed from the 8 bytes after the ';' with the
//     multiply-and-shift technique of the fastest Java 1BRC entries
//     (parseTenths): no branch on the shape (d.d, dd.d, -d.d or -dd.d), and
//     the shape also gives the line's length, so the '\n' is never searched.
//   - The table stores each name as words (its whole words, then the rest
//     zero-padded) and compares names a word at a time, after the hash and
//     the length; the last, partial word comes straight from the scan.
//   - Reading whole words must not run past the mapping. A valid line is
//     read in words no further than 109 bytes past its start, and addLines
//     also checks before each load that 8 bytes remain, so not even a line
//     breaking the rules makes it read out of bounds. Lines that start
//     within 128 bytes of the end of the file are copied into a buffer with
//     16 zero bytes after them and read there, so a valid last line, with or
//     without '\n', is read like any other, and a truncated one ends the
//     segment.
//
// Why: in 09's CPU profile on a 100M-row file, the byte loop that finds the
// ';' and hashes the name took 27% of the samples, parseTenths, with a
// branch on the value's shape, 24%, and the table lookup 41%, a quarter of
// that in bytes.Equal on the names.
//
// Measured: see results/leaderboard.md. Peak RSS includes the file's pages
// mapped in the page cache, so it is about the size of the file.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
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
			name := t.name(e)
			if m := merged[name]; m != nil {
				m.Merge(e.stats)
			} else {
				merged[name] = &e.stats
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

// margin is how far past a line start addLines may read on a valid line:
// a name of up to 100 bytes is read in words up to byte 104, and the word
// holding the value after its ';' ends by byte 109. Lines that start less
// than margin bytes before the end of the file are copied into a padded
// buffer first.
const margin = 128

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
	fastEnd := min(b, len(data)-margin)
	if a < fastEnd {
		a = addLines(t, data, a, fastEnd)
		if a < fastEnd {
			return // the table is full, or a line breaks the rules
		}
	}
	if a < b {
		// The last lines of the file: read them from a copy with room for
		// whole words after them.
		var buf [margin + 16]byte
		n := copy(buf[:], data[a:])
		addLines(t, buf[:n+16], 0, b-a)
	}
}

// Word constants: every byte 0x3B (';'), 0x01 or 0x80.
const (
	semis = 0x3B3B3B3B3B3B3B3B
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hashMul is the multiplier of the name hash (2^64 divided by the golden
// ratio, as in Fibonacci hashing); the table index is the hash's top bits.
const hashMul = 0x9E3779B97F4A7C15

// load returns the 8 bytes of data at i as a little-endian word: data[i] is
// its lowest byte.
func load(data []byte, i int) uint64 {
	return binary.LittleEndian.Uint64(data[i:])
}

// addLines adds to t the lines of data that start at p and after, before
// end, reading data 8 bytes at a time, without allocating except when a new
// station's name is copied into the table. p must be the start of a line.
// It returns the first line start at or after end, or, earlier, the start
// of a line it cannot read: one with no ';' and 8 more bytes before the end
// of data (so it never reads past data), or one whose name does not fit in
// the table (t.full is then set).
func addLines(t *table, data []byte, p, end int) int {
	for p < end {
		// Find the ';' a word at a time, hashing the name's words on the
		// way. semiBits marks the first ';' of w exactly.
		h := uint64(0)
		i := p
		var w, mark uint64
		for {
			if i+8 > len(data) {
				return p
			}
			w = load(data, i)
			mark = semiBits(w)
			if mark != 0 {
				break
			}
			h = (h ^ w) * hashMul
			i += 8
		}
		// The bytes of w before the ';' end the name; last holds them,
		// zero-padded (zero bytes when the name is a whole number of
		// words). mark's lowest bit is bit 7 of the ';' byte.
		last := w & ((mark ^ (mark - 1)) >> 8)
		h = (h ^ last) * hashMul
		semi := i + bits.TrailingZeros64(mark)>>3
		if semi+9 > len(data) {
			return p
		}
		v, n := parseTenths(load(data, semi+1))
		s := t.lookup(data, p, semi-p, last, h)
		if s == nil {
			t.full = true
			return p
		}
		s.Add(v)
		p = semi + 1 + n
	}
	return p
}

// semiBits returns w with the high bit of each ';' byte set and every other
// bit clear, except that bytes after the first ';' may be marked wrongly: the
// lowest set bit is exact. It is the classic has-zero-byte test on w^semis:
// subtracting 1 from each byte borrows through the high bit only from a
// zero byte (or from a byte above a zero byte).
func semiBits(w uint64) uint64 {
	x := w ^ semis
	return (x - ones) &^ x & highs
}

// parseTenths parses the value at the start of w, the 8 bytes after a ';'
// in little-endian order, into integer tenths, without a branch: "-12.3\n"
// is -123. It also returns the number of bytes the value and its '\n'
// take. The value must have one of the four shapes d.d, dd.d, -d.d and
// -dd.d; for anything else the result is wrong but n is at most 11.
//
// This is the multiply-and-shift technique of the fastest Java 1BRC entries
// (Quan Anh Mai's). The digits '0'–'9' are 0x30–0x39: bit 4 is set, and it is
// clear in '.' and '-', so bit 4 of the second, third or fourth byte finds
// the '.', which is 1, 2 or 3 bytes from the start. Shifting the word left
// by 28-8*(dot position) bits lines the digits up at the same bytes for
// every shape (tens in byte 2 .. hundreds in byte 1, tenths in byte 4), the
// '-' having been cleared; one multiplication by 100·2^24 + 10·2^16 + 1 then
// sums 100·hundreds + 10·tens + tenths into bits 32–41.
func parseTenths(w uint64) (v int64, n int) {
	dot := uint(bits.TrailingZeros64(^w & 0x10101000)) // 12, 20 or 28
	sign := int64(^w<<59) >> 63                        // -1 after a '-', else 0
	digits := ((w &^ uint64(sign&0xFF)) << (28 - dot)) & 0x0F000F0F00
	abs := int64(((digits * 0x640a0001) >> 32) & 0x3FF)
	return (abs ^ sign) - sign, int(dot>>3) + 3
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
// linear probing. Names are copied into the table as words, so that they
// can be compared a word at a time and outlive the mapping of the file.
type table struct {
	slots [tableSize]entry
	words []uint64 // every name, as its words, back to back; see entry
	count int      // slots in use
	full  bool     // a name did not fit: the table's stats are incomplete
}

// entry is one slot of a table. A slot is free while stats.Count is 0:
// every name is looked up to add a value to it.
type entry struct {
	hash uint64 // the name's hash
	// The name's len bytes are held in words[off:off+len/8+1], in
	// little-endian order: len/8 whole words, then the rest of the name
	// zero-padded (a zero word when len is a multiple of 8).
	off, len uint32
	stats    verify.Stats
}

func newTable() *table {
	return &table{words: make([]uint64, 0, 1<<13)}
}

// lookup returns the stats of the name of n bytes at data[p:], whose last
// partial word (zero-padded) is last and whose hash is h, adding a slot for
// a new name. It returns nil when the table already holds maxNames names.
// Two names are the same only if their hashes and lengths match and their
// words are equal: names with the same hash get different slots.
func (t *table) lookup(data []byte, p, n int, last, h uint64) *verify.Stats {
	i := h >> (64 - tableBits)
	for {
		e := &t.slots[i]
		if e.stats.Count == 0 {
			if t.count == maxNames {
				return nil
			}
			t.count++
			e.hash, e.off, e.len = h, uint32(len(t.words)), uint32(n)
			for k := range n / 8 {
				t.words = append(t.words, load(data, p+8*k))
			}
			t.words = append(t.words, last)
			return &e.stats
		}
		if e.hash == h && int(e.len) == n && t.equal(e, data, p, n, last) {
			return &e.stats
		}
		i = (i + 1) & tableMask
	}
}

// equal reports whether the name of entry e is the n bytes at data[p:],
// whose last partial word is last, comparing 8 bytes at a time.
func (t *table) equal(e *entry, data []byte, p, n int, last uint64) bool {
	words := t.words[e.off : int(e.off)+n/8+1]
	if words[n/8] != last {
		return false
	}
	for k, w := range words[:n/8] {
		if load(data, p+8*k) != w {
			return false
		}
	}
	return true
}

// name returns the name of entry e.
func (t *table) name(e *entry) string {
	b := make([]byte, 0, 8*(e.len/8+1))
	for _, w := range t.words[e.off : e.off+e.len/8+1] {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return string(b[:e.len])
}

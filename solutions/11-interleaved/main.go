// Step 11 interleaves four line cursors in each worker, so that the
// dependent loads of four lines overlap in the CPU, and keys each worker's
// table on the names themselves: a name of up to 14 bytes is two machine
// words, in a pointer-free 32-byte slot.
//
// Usage:
//
//	11-interleaved FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE
// gives a message on stderr naming it and exit status 1. It assumes valid
// input (see verify) but does not read outside the file, crash or hang on
// a malformed one.
//
// Changed from 10-swar:
//
//   - Four cursors: span cuts a segment at line starts into four parts and
//     lines4 advances one line in each part per round. The ends are checked
//     once per n rounds, n being how many lines surely fit before the
//     nearest end (maxAdvance).
//   - The name's first 15 bytes are read as two overlapping words (bytes
//     0-7 and 7-14) and the ';' is found in both with the SWAR test of 10,
//     without a branch on which word holds it. A name of up to 14 bytes is
//     then its own key: the two words cut after the ';' (see entry). A slot
//     matches when its two words are equal: no stored hash, length or copy
//     of the name, and no loop. Longer names (17% of the rows of the 10k
//     file, 3% of the classic one) take longLine: a hash of the whole name,
//     then its first 15 bytes, its length and the rest compared a word at a
//     time with the worker's copy, as in 10.
//   - A slot is 32 bytes, two per cache line, instead of 56: an int64 sum,
//     a uint32 count (folded into int64 every 8 GiB a worker reads, so no
//     input overflows it) and int16 extremes, set by branches that are
//     rarely taken once a station has a few values. 65,536 slots.
//   - parseTenths' variable shift is folded into a table of four masks and
//     multipliers indexed by the position of the '.' (number).
//   - Loads have no bounds checks (unsafe, see load). What keeps them inside
//     the mapping is margin: lines that start in the file's last 128 bytes
//     are read from a padded copy, as in 10, and a name is never searched
//     past byte 111, even on malformed input.
//   - Segments of 32 MiB instead of 4 MiB: a worker sets up its cursors
//     and its padded copy of the file's end once per segment.
//
// Why: a line is a chain of dependent steps (its start, the name's words,
// the ';', the value's word, the value's shape, the next line's start), and
// 10 walks one chain at a time. With the same code and one cursor, the
// instructions per line are the same (about 107, callgrind) but a
// 100M-row classic file takes 1.10 CPU-seconds on one core instead of 0.82
// with three or four cursors: the chains overlap. 10's lookup hashed,
// stored and compared every name as a string; here most names need two
// compares, and 10's 214 instructions per line (258 on the 10k file) come
// down to 107 (156).
//
// Measured with go run ./cmd/run bench --solutions '1[012]-*' on the
// 2-core AMD EPYC VM, 1B rows, warm page cache, medians of 3 to 5 runs in
// two sessions (the lead's harness run in results/leaderboard.md replaces
// these): classic 4.46-4.60 s against 8.96-9.29 s for 10-swar, 10k
// 8.24-8.54 s against 11.25-12.13 s. Peak RSS is the size of the file, as
// in 10: the mapped pages count. See README.md.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/edsrzf/mmap-go"

	"github.com/onebrc/onebrc/harness/profile"
	"github.com/onebrc/onebrc/verify"
)

func main() {
	defer profile.Start()()
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1) // the profile is only wanted from successful runs
	}
}

// segmentSize is the size of the pieces of the file that workers claim
// one at a time, and cursors the number of lines each has in flight.
const (
	segmentSize = 32 << 20
	cursors     = 4
)

// run aggregates the file named by args[0] and writes the answer to stdout.
func run(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: 11-interleaved FILE")
	}
	path := args[0]
	f, err := os.Open(path)
	if err != nil {
		return err // *PathError: "open FILE: ..."
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if size == 0 {
		_, err := stdout.Write(verify.Format(nil)) // mmap refuses length 0
		return err
	}
	if int64(int(size)) != size {
		return fmt.Errorf("%s: file too large to map", path)
	}
	data, err := mmap.Map(f, mmap.RDONLY, 0)
	if err != nil {
		return fmt.Errorf("mmap %s: %w", path, err)
	}
	stations, err := aggregate(data, segmentSize, runtime.GOMAXPROCS(0))
	if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
	}
	if unmapErr := data.Unmap(); unmapErr != nil && err == nil {
		err = fmt.Errorf("munmap %s: %w", path, unmapErr)
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(verify.Format(stations))
	return err
}

// aggregate splits data into segments of size bytes, which the given number
// of workers claim in turn, and returns one Station per distinct name.
func aggregate(data []byte, size, workers int) ([]verify.Station, error) {
	tables := make([]*table, workers)
	var next atomic.Int64 // index of the next unclaimed segment
	var full atomic.Bool  // a worker saw more than MaxStations names
	var wg sync.WaitGroup
	for w := range workers {
		t := new(table)
		tables[w] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !full.Load() {
				start := int(next.Add(1)-1) * size
				if start >= len(data) {
					return
				}
				end := min(start+size, len(data))
				if !t.segment(data, start, end) {
					full.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()

	index := make(map[string]int)
	var stations []verify.Station
	for _, t := range tables {
		t.each(func(name string, s verify.Stats) {
			i, ok := index[name]
			if !ok {
				i = len(stations)
				index[name] = i
				stations = append(stations, verify.Station{Name: name})
			}
			stations[i].Stats.Merge(s)
		})
	}
	if full.Load() || len(stations) > verify.MaxStations {
		return nil, verify.ErrTooManyStations
	}
	return stations, nil
}

// Limits of the line code (see load). resplit is the size of the rest of a
// part above which span splits it between cursors again rather than reading
// it with one.
const (
	// margin is how far past a line start the line code may read: a name
	// is scanned in words up to byte 111 (a valid one ends by byte 100),
	// and the value word after it ends before byte 120.
	margin = 128
	// maxAdvance bounds how far one line moves a cursor, even on malformed
	// input: at most 112 bytes up to the value, at most 7 more.
	maxAdvance = 120
	resplit    = 64 << 10
)

// segment processes the lines that start in [start, end) of data, and
// reports false when the table is full.
func (t *table) segment(data []byte, start, end int) bool {
	start = lineStart(data, start)
	end = lineStart(data, end)
	if start >= end {
		return true
	}
	// The line code reads up to margin bytes past a line start: lines
	// starting in the file's last margin bytes go through a padded copy.
	p := start
	if fastEnd := min(end, len(data)-margin); p < fastEnd {
		if p = t.span(data, p, fastEnd); p < 0 {
			return false
		}
	}
	if p < end {
		var buf [2*margin + 1]byte // at most margin bytes, a '\n', margin of padding
		n := copy(buf[:], data[p:end])
		if buf[n-1] != '\n' {
			buf[n] = '\n' // a last line without '\n'
			n++
		}
		if t.lines1(unsafe.Pointer(&buf[0]), 0, n) < 0 {
			return false
		}
	}
	if t.read += end - start; t.read >= foldBytes {
		t.fold()
	}
	return true
}

// lineStart returns the first line start at or after x.
func lineStart(data []byte, x int) int {
	if x == 0 {
		return 0
	}
	i := bytes.IndexByte(data[x-1:], '\n')
	if i < 0 {
		return len(data)
	}
	return x + i
}

// span processes the lines starting in [p, end) of data with one cursor
// per part, and returns the first line start at or after end, or -1 when
// the table is full. data[q:q+margin] must be valid for every line start
// q < end.
func (t *table) span(data []byte, p, end int) int {
	base := unsafe.Pointer(&data[0])
	// Cursor i reads the lines that start in [pos[i], ends[i]). The cuts
	// are line starts, so that each cursor stops exactly where the next one
	// starts, but a cut may lie past end (then the cursors after it have
	// nothing to read, and it is where the last one stops).
	var pos, ends [cursors]int
	pos[0] = p
	for i := 1; i < cursors; i++ {
		pos[i] = max(pos[i-1], lineStart(data, p+(end-p)/cursors*i))
		ends[i-1] = min(pos[i], end)
	}
	ends[cursors-1] = end
	pos[0], pos[1], pos[2], pos[3] = t.lines4(base, pos[0], ends[0], pos[1], ends[1], pos[2], ends[2], pos[3], ends[3])
	if pos[0] < 0 {
		return -1
	}
	// The parts have the same size, so on most files the cursors stop
	// within a few lines of each other, and one cursor does the rest of each
	// part. If lines are much longer in one part than in another (a file
	// sorted by name, say), a large rest is split again.
	for i := range cursors {
		q := pos[i]
		if ends[i]-q > resplit {
			q = t.span(data, q, ends[i])
		} else {
			q = t.lines1(base, q, ends[i])
		}
		if q < 0 || i == cursors-1 {
			return q
		}
	}
	panic("unreachable")
}

// Constants for finding a byte in a word (SWAR).
const (
	semis = 0x3B3B3B3B3B3B3B3B // ';' in every byte
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hashMul is the multiplier of the name hash (2^64 divided by the golden
// ratio, as in Fibonacci hashing); the table index is the hash's top bits.
const hashMul = 0x9E3779B97F4A7C15

// load reads the 8 bytes at base+p as a little-endian word, without a
// bounds check: callers keep p+8 within the mapping or buffer (see margin).
func load(base unsafe.Pointer, p int) uint64 {
	return *(*uint64)(unsafe.Add(base, p))
}

// lines1 processes the lines starting in [pA, end) with one cursor and
// returns the first line start at or after end, or -1 when the table is
// full. base[p:p+margin] must be readable for every line start p < end.
// It is the body of lines4 for one cursor.
func (t *table) lines1(base unsafe.Pointer, pA, end int) int {
	slots := unsafe.Pointer(&t.slots)
	for pA < end {
		w0A := load(base, pA)
		w1A := load(base, pA+7)
		t0A := semiBits7(w0A)
		t1A := semiBits(w1A)
		if t0A|t1A == 0 {
			if pA = t.longLine(base, pA); pA < 0 {
				return -1
			}
		} else {
			m0A := t0A ^ (t0A - 1)
			zA := uint64(int64(m0A) >> 63) // all ones when ';' is not in bytes 0-6
			k0A := w0A & m0A
			k1A := w1A & (t1A ^ (t1A - 1)) & zA
			numA := pA + 1 + bits.TrailingZeros64(t0A|1<<63)>>3 + bits.TrailingZeros64(t1A|1<<63)>>3&int(zA)
			vA, advA := number(load(base, numA))
			pA = numA + advA
			offA := hashOffset(k0A, k1A)
			var eA *entry
			for {
				eA = (*entry)(unsafe.Add(slots, offA))
				if eA.k0 == k0A && eA.k1 == k1A {
					break
				}
				if eA.count == 0 {
					if t.used >= verify.MaxStations {
						return -1
					}
					t.used++
					eA.k0, eA.k1, eA.min, eA.max = k0A, k1A, math.MaxInt16, math.MinInt16
					break
				}
				offA = (offA + entrySize) & offsetMask
			}
			eA.sum += vA
			eA.count++
			if int16(vA) < eA.min {
				eA.min = int16(vA)
			}
			if int16(vA) > eA.max {
				eA.max = int16(vA)
			}
		}
	}
	return pA
}

// lines4 advances 4 cursors in step, one line each per round, so that
// their chains of dependent loads (line start, name words, ';', value,
// next line start) overlap in the CPU. It stops when a cursor comes within
// maxAdvance bytes of its end, and returns the cursors' positions, the
// first -1 when the table is full. The 4 copies of the line code are
// written out because the Go compiler does not inline a function this
// size; they differ only in their suffix.
func (t *table) lines4(base unsafe.Pointer, pA, endA, pB, endB, pC, endC, pD, endD int) (int, int, int, int) {
	slots := unsafe.Pointer(&t.slots)
	for {
		// No cursor can pass its end within n rounds.
		n := min(endA-pA, endB-pB, endC-pC, endD-pD) / maxAdvance
		if n <= 0 {
			return pA, pB, pC, pD
		}
		for ; n > 0; n-- {
			w0A := load(base, pA)
			w1A := load(base, pA+7)
			t0A := semiBits7(w0A)
			t1A := semiBits(w1A)
			if t0A|t1A == 0 {
				if pA = t.longLine(base, pA); pA < 0 {
					return -1, 0, 0, 0
				}
			} else {
				m0A := t0A ^ (t0A - 1)
				zA := uint64(int64(m0A) >> 63) // all ones when ';' is not in bytes 0-6
				k0A := w0A & m0A
				k1A := w1A & (t1A ^ (t1A - 1)) & zA
				numA := pA + 1 + bits.TrailingZeros64(t0A|1<<63)>>3 + bits.TrailingZeros64(t1A|1<<63)>>3&int(zA)
				vA, advA := number(load(base, numA))
				pA = numA + advA
				offA := hashOffset(k0A, k1A)
				var eA *entry
				for {
					eA = (*entry)(unsafe.Add(slots, offA))
					if eA.k0 == k0A && eA.k1 == k1A {
						break
					}
					if eA.count == 0 {
						if t.used >= verify.MaxStations {
							return -1, 0, 0, 0
						}
						t.used++
						eA.k0, eA.k1, eA.min, eA.max = k0A, k1A, math.MaxInt16, math.MinInt16
						break
					}
					offA = (offA + entrySize) & offsetMask
				}
				eA.sum += vA
				eA.count++
				if int16(vA) < eA.min {
					eA.min = int16(vA)
				}
				if int16(vA) > eA.max {
					eA.max = int16(vA)
				}
			}
			w0B := load(base, pB)
			w1B := load(base, pB+7)
			t0B := semiBits7(w0B)
			t1B := semiBits(w1B)
			if t0B|t1B == 0 {
				if pB = t.longLine(base, pB); pB < 0 {
					return -1, 0, 0, 0
				}
			} else {
				m0B := t0B ^ (t0B - 1)
				zB := uint64(int64(m0B) >> 63) // all ones when ';' is not in bytes 0-6
				k0B := w0B & m0B
				k1B := w1B & (t1B ^ (t1B - 1)) & zB
				numB := pB + 1 + bits.TrailingZeros64(t0B|1<<63)>>3 + bits.TrailingZeros64(t1B|1<<63)>>3&int(zB)
				vB, advB := number(load(base, numB))
				pB = numB + advB
				offB := hashOffset(k0B, k1B)
				var eB *entry
				for {
					eB = (*entry)(unsafe.Add(slots, offB))
					if eB.k0 == k0B && eB.k1 == k1B {
						break
					}
					if eB.count == 0 {
						if t.used >= verify.MaxStations {
							return -1, 0, 0, 0
						}
						t.used++
						eB.k0, eB.k1, eB.min, eB.max = k0B, k1B, math.MaxInt16, math.MinInt16
						break
					}
					offB = (offB + entrySize) & offsetMask
				}
				eB.sum += vB
				eB.count++
				if int16(vB) < eB.min {
					eB.min = int16(vB)
				}
				if int16(vB) > eB.max {
					eB.max = int16(vB)
				}
			}
			w0C := load(base, pC)
			w1C := load(base, pC+7)
			t0C := semiBits7(w0C)
			t1C := semiBits(w1C)
			if t0C|t1C == 0 {
				if pC = t.longLine(base, pC); pC < 0 {
					return -1, 0, 0, 0
				}
			} else {
				m0C := t0C ^ (t0C - 1)
				zC := uint64(int64(m0C) >> 63) // all ones when ';' is not in bytes 0-6
				k0C := w0C & m0C
				k1C := w1C & (t1C ^ (t1C - 1)) & zC
				numC := pC + 1 + bits.TrailingZeros64(t0C|1<<63)>>3 + bits.TrailingZeros64(t1C|1<<63)>>3&int(zC)
				vC, advC := number(load(base, numC))
				pC = numC + advC
				offC := hashOffset(k0C, k1C)
				var eC *entry
				for {
					eC = (*entry)(unsafe.Add(slots, offC))
					if eC.k0 == k0C && eC.k1 == k1C {
						break
					}
					if eC.count == 0 {
						if t.used >= verify.MaxStations {
							return -1, 0, 0, 0
						}
						t.used++
						eC.k0, eC.k1, eC.min, eC.max = k0C, k1C, math.MaxInt16, math.MinInt16
						break
					}
					offC = (offC + entrySize) & offsetMask
				}
				eC.sum += vC
				eC.count++
				if int16(vC) < eC.min {
					eC.min = int16(vC)
				}
				if int16(vC) > eC.max {
					eC.max = int16(vC)
				}
			}
			w0D := load(base, pD)
			w1D := load(base, pD+7)
			t0D := semiBits7(w0D)
			t1D := semiBits(w1D)
			if t0D|t1D == 0 {
				if pD = t.longLine(base, pD); pD < 0 {
					return -1, 0, 0, 0
				}
			} else {
				m0D := t0D ^ (t0D - 1)
				zD := uint64(int64(m0D) >> 63) // all ones when ';' is not in bytes 0-6
				k0D := w0D & m0D
				k1D := w1D & (t1D ^ (t1D - 1)) & zD
				numD := pD + 1 + bits.TrailingZeros64(t0D|1<<63)>>3 + bits.TrailingZeros64(t1D|1<<63)>>3&int(zD)
				vD, advD := number(load(base, numD))
				pD = numD + advD
				offD := hashOffset(k0D, k1D)
				var eD *entry
				for {
					eD = (*entry)(unsafe.Add(slots, offD))
					if eD.k0 == k0D && eD.k1 == k1D {
						break
					}
					if eD.count == 0 {
						if t.used >= verify.MaxStations {
							return -1, 0, 0, 0
						}
						t.used++
						eD.k0, eD.k1, eD.min, eD.max = k0D, k1D, math.MaxInt16, math.MinInt16
						break
					}
					offD = (offD + entrySize) & offsetMask
				}
				eD.sum += vD
				eD.count++
				if int16(vD) < eD.min {
					eD.min = int16(vD)
				}
				if int16(vD) > eD.max {
					eD.max = int16(vD)
				}
			}
		}
	}
}

// semiBits returns a word with the high bit set in the lowest byte of w
// that is ';' (and maybe in higher bytes), or zero if there is none.
func semiBits(w uint64) uint64 {
	x := w ^ semis
	return (x - ones) &^ x & highs
}

// semiBits7 is semiBits for the first seven bytes of w only.
func semiBits7(w uint64) uint64 {
	x := w ^ semis
	return (x - ones) &^ x & (highs >> 8)
}

// number parses the value at the start of w (-?\d?\d\.\d) into tenths,
// without branches, and returns it with the offset of the next line from
// the value's start. On a malformed value it returns some number and an
// advance of 4 to 7.
func number(w uint64) (int64, int) {
	// '.' is the only byte of a value with bit 4 clear, after a leading
	// '-' (the 1<<36 stops a malformed value at index 4).
	dot := uint(bits.TrailingZeros64(^w&0x10101000|1<<36)) >> 3
	signed := int64(^w<<59) >> 63 // -1 if the value starts with '-', else 0
	sh := &valueShapes[dot&7]
	digits := (w ^ uint64(signed)&'-') & sh.mask // clear the '-'
	abs := int64((digits * sh.mul >> 32) & 0x3FF)
	return (abs ^ signed) - signed, int(dot) + 3 // the fraction digit and '\n' follow the '.'
}

// valueShapes is a read-only table: for each index of the '.' in a value,
// the mask that keeps the low nibbles of its digits and the multiplier
// that sums them as hundreds*100 + tens*10 + ones into bits 32-41 of the
// product. It is the well-known multiply-and-shift parse (Quân Anh Mai's
// in the Java 1BRC) with its variable shift folded into the constants.
var valueShapes = [8]struct{ mask, mul uint64 }{
	1: {0x0F000F0F00 >> 16, 0x640a0001 << 16}, // d.d
	2: {0x0F000F0F00 >> 8, 0x640a0001 << 8},   // dd.d and -d.d
	3: {0x0F000F0F00, 0x640a0001},             // -dd.d
}

// Table sizes: 2^16 slots keep the load factor under 0.16 with the 10,000
// names the rules allow. foldBytes is how many bytes a worker reads before
// it moves its uint32 counts into int64 ones: at 6 bytes per line at least,
// fewer than 2^31 lines.
const (
	tableBits  = 16
	tableSize  = 1 << tableBits
	tableMask  = tableSize - 1
	entrySize  = 32 // bytes in an entry
	offsetMask = tableSize*entrySize - 1
	foldBytes  = 8 << 30
)

// table is one worker's open-addressing hash table with linear probing.
// A slot is empty while its count is zero.
type table struct {
	slots [tableSize]entry
	long  [tableSize]longName // for slots holding names of 15 bytes or more
	big   [tableSize]int64    // counts folded out of entry.count
	names []byte              // long names, each followed by 8 bytes of padding
	used  int                 // slots in use
	read  int                 // bytes read since the last fold
}

// entry is one slot of a table: a station's key and its statistics, in
// half a cache line, without pointers.
//
// A name of up to 14 bytes is its own key: k0 holds bytes 0-7 of the name
// and its ';', k1 bytes 7-14, each cut after the ';' and zero-padded (k1
// is zero when the ';' is in bytes 0-6). As a name holds no ';', equal
// keys mean equal names, even for names with zero bytes. For a longer name
// k0 and k1 hold bytes 0-7 and 7-14, which contain no ';' and so never
// equal a short key, and table.long locates the whole name.
type entry struct {
	k0, k1   uint64
	sum      int64  // tenths
	count    uint32 // since the last fold, plus one (see table.fold)
	min, max int16  // tenths
}

// longName locates a name of 15 bytes or more in table.names.
type longName struct {
	off, len uint32
}

// fold moves all counts but one into big, so that no uint32 count can
// overflow however large the file (the one keeps the slot in use).
func (t *table) fold() {
	for i := range t.slots {
		if c := t.slots[i].count; c > 1 {
			t.big[i] += int64(c - 1)
			t.slots[i].count = 1
		}
	}
	t.read = 0
}

// hashOffset returns the byte offset in table.slots of the home slot of a
// short key.
func hashOffset(k0, k1 uint64) uintptr {
	return uintptr((k0^k1)*hashMul>>(64-tableBits-5)) &^ (entrySize - 1)
}

// longLine processes the one line at p, whose name has 15 bytes or more,
// and returns the start of the next line, or -1 when the table is full.
// Its hash covers the whole name, so names that share a long prefix still
// spread over the table; a slot matches when its first 15 bytes, its
// length and then the rest of its bytes are equal.
func (t *table) longLine(base unsafe.Pointer, p int) int {
	w0, w1 := load(base, p), load(base, p+7)
	h := (w0 ^ w1) * hashMul
	n := 15 // bytes before the ';'
	for {
		w := load(base, p+n)
		if s := semiBits(w); s != 0 {
			h = (h ^ w&(s^(s-1))) * hashMul // the last bytes, with the ';'
			n += bits.TrailingZeros64(s) >> 3
			break
		}
		h = (h ^ w) * hashMul
		if n += 8; n >= 111 {
			break // no ';' within 111 bytes: malformed input, read no further
		}
	}
	off := uintptr(h>>(64-tableBits-5)) &^ (entrySize - 1)
	var e *entry
	for {
		e = (*entry)(unsafe.Add(unsafe.Pointer(&t.slots), off))
		slot := off / entrySize & tableMask
		if e.count == 0 {
			if t.used >= verify.MaxStations {
				return -1
			}
			t.used++
			e.k0, e.k1, e.min, e.max = w0, w1, math.MaxInt16, math.MinInt16
			t.long[slot] = longName{uint32(len(t.names)), uint32(n)}
			t.names = append(t.names, unsafe.Slice((*byte)(unsafe.Add(base, p)), n)...)
			t.names = append(t.names, make([]byte, 8)...) // room for a word load past the end
			break
		}
		if e.k0 == w0 && e.k1 == w1 {
			if l := t.long[slot]; int(l.len) == n && equalTail(base, p, unsafe.Pointer(&t.names[l.off]), n) {
				break
			}
		}
		off = (off + entrySize) & offsetMask
	}
	v, adv := number(load(base, p+n+1))
	e.sum += v
	e.count++
	e.min = min(e.min, int16(v))
	e.max = max(e.max, int16(v))
	return p + n + 1 + adv
}

// equalTail reports whether bytes 15 to n-1 of the name at base+p equal
// those of the stored name at q, comparing a word at a time. Both may be
// read up to 8 bytes past n.
func equalTail(base unsafe.Pointer, p int, q unsafe.Pointer, n int) bool {
	i := 15
	for ; i+8 <= n; i += 8 {
		if load(base, p+i) != load(q, i) {
			return false
		}
	}
	// Compare the last n-i bytes (little-endian: the low ones).
	return i == n || (load(base, p+i)^load(q, i))<<(8*(8-(n-i))&63) == 0
}

// each calls f for every station in t.
func (t *table) each(f func(name string, s verify.Stats)) {
	for i := range t.slots {
		e := &t.slots[i]
		if e.count == 0 {
			continue
		}
		var name string
		if l := t.long[i]; l.len != 0 {
			name = string(t.names[l.off : l.off+l.len])
		} else {
			var b [15]byte // bytes 0-7 from k0, 7-14 from k1 (see entry)
			*(*uint64)(unsafe.Pointer(&b[0])) = e.k0
			*(*uint64)(unsafe.Pointer(&b[7])) = e.k1
			name = string(b[:bytes.IndexByte(b[:], ';')])
		}
		f(name, verify.Stats{Min: int64(e.min), Max: int64(e.max), Sum: e.sum, Count: int64(e.count) + t.big[i]})
	}
}

// Step 11 (draft).
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

	"golang.org/x/sys/unix"

	"github.com/onebrc/onebrc/harness/profile"
	"github.com/onebrc/onebrc/verify"
)

func main() {
	defer profile.Start()()
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

const (
	segmentSize = 32 << 20 // bytes of the file claimed by a worker at a time
	tableBits   = 15
	tableSize   = 1 << tableBits
	tableMask   = tableSize - 1
	// margin is how far past a line start the fast path may read: a name
	// of up to 100 bytes is scanned in words up to offset 112, and the
	// number word after it ends at 121.
	margin = 128
	// maxAdvance bounds how far one line moves a cursor, even on malformed
	// input: at most 112 bytes up to the value, at most 7 more.
	maxAdvance = 120
	entrySize  = 32 // bytes in an entry
	offsetMask = tableSize*entrySize - 1
	cursors    = 3
	hashMul    = 0x9E3779B97F4A7C15 // 2^64 / golden ratio, odd
)

func run(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: 11-fast FILE")
	}
	path := args[0]
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if size == 0 {
		_, err := stdout.Write(verify.Format(nil))
		return err
	}
	if int64(int(size)) != size {
		return fmt.Errorf("%s: file too large to map", path)
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("mmap %s: %w", path, err)
	}
	workers := runtime.GOMAXPROCS(0)
	var next atomic.Int64
	tables := make([]*table, workers)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for w := range workers {
		t := newTable()
		tables[w] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1) - 1
				start := k * segmentSize
				if start >= size || failed.Load() {
					return
				}
				end := min(start+segmentSize, size)
				if !t.segment(data, int(start), int(end)) {
					failed.Store(true)
					return
				}
				// Unmap the segment's pages now, in parallel, rather than
				// all at once when the process exits. The file stays in the
				// page cache; a line that crosses into this segment from
				// the previous one just faults its page back in.
				unix.Madvise(data[start:end], unix.MADV_DONTNEED)
			}
		}()
	}
	wg.Wait()
	if failed.Load() {
		return fmt.Errorf("%s: %w", path, verify.ErrTooManyStations)
	}
	byName := make(map[string]int)
	var stations []verify.Station
	for _, t := range tables {
		t.each(func(name string, s verify.Stats) {
			i, ok := byName[name]
			if !ok {
				i = len(stations)
				byName[name] = i
				stations = append(stations, verify.Station{Name: name})
			}
			stations[i].Stats.Merge(s)
		})
	}
	if len(stations) > verify.MaxStations {
		return fmt.Errorf("%s: %w", path, verify.ErrTooManyStations)
	}
	_, err = stdout.Write(verify.Format(stations))
	return err
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

// entry is one slot of the open-addressing table. k0 and k1 hold the first
// 16 bytes of the key: for a name of up to 15 bytes, the name and its ';',
// zero-padded; for a longer one, its first 16 bytes (then long[slot]
// locates the whole name).
type entry struct {
	k0, k1   uint64
	sum      int64
	count    uint32
	min, max int16
}

type longName struct {
	off, len uint32
}

type table struct {
	slots [tableSize]entry
	long  [tableSize]longName
	names []byte
	used  int
	// big holds counts folded out of the uint32 entry counts.
	big       [tableSize]int64
	sinceFold int
}

func newTable() *table { return new(table) }

// segment processes the lines that start in [start, end).
func (t *table) segment(data []byte, start, end int) bool {
	start = lineStart(data, start)
	end = lineStart(data, end)
	if start >= end {
		return true
	}
	fastEnd := min(end, len(data)-margin)
	p := start
	if p < fastEnd {
		p = t.span(data, p, fastEnd)
		if p < 0 {
			return false
		}
	}
	if p < end {
		// The last lines of the file: copy them into a padded buffer.
		var buf [512]byte
		n := copy(buf[:], data[p:end])
		if buf[n-1] != '\n' {
			buf[n] = '\n'
			n++
		}
		if t.lines(unsafe.Pointer(&buf[0]), 0, n) < 0 {
			return false
		}
	}
	t.sinceFold += end - start
	if t.sinceFold > 1<<33 { // at most 1.4e9 lines of 6 bytes: no uint32 overflow
		t.fold()
	}
	return true
}

// span processes the lines starting in [p, end) of data with several
// cursors, one per part, and returns the first line start at or after
// end, or -1 when the table is full. data[q:q+margin] must be valid for
// every line start q < end.
func (t *table) span(data []byte, p, end int) int {
	base := unsafe.Pointer(&data[0])
	var pos, ends [cursors]int
	for i := range cursors {
		pos[i] = min(lineStart(data, p+(end-p)/cursors*i), end)
		if i > 0 {
			ends[i-1] = pos[i]
		}
	}
	ends[cursors-1] = end
	for {
		pos[0], pos[1], pos[2] = t.lines3(base, pos[0], ends[0], pos[1], ends[1], pos[2], ends[2])
		if pos[0] < 0 {
			return -1
		}
		progressed := false
		for i := range pos {
			if pos[i] < ends[i] && isLong(base, pos[i]) {
				if pos[i] = t.longLine(base, pos[i]); pos[i] < 0 {
					return -1
				}
				progressed = true
			}
		}
		if !progressed {
			break
		}
	}
	for i := range cursors - 1 {
		if t.lines(base, pos[i], ends[i]) < 0 {
			return -1
		}
	}
	return t.lines(base, pos[cursors-1], ends[cursors-1])
}

// isLong reports whether the name of the line at p has 16 bytes or more.
func isLong(base unsafe.Pointer, p int) bool {
	return semiBits7(load(base, p))|semiBits(load(base, p+7)) == 0
}

func (t *table) fold() {
	for i := range t.slots {
		if c := t.slots[i].count; c > 1 {
			t.big[i] += int64(c - 1)
			t.slots[i].count = 1
		}
	}
	t.sinceFold = 0
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	semis = 0x3B3B3B3B3B3B3B3B
)

func load(base unsafe.Pointer, p int) uint64 {
	return *(*uint64)(unsafe.Add(base, p))
}

// semiBits returns a word with the high bit set in the lowest byte of w
// that is ';' (and possibly in higher bytes), zero if there is none.
func semiBits(w uint64) uint64 {
	x := w ^ semis
	return (x - ones) &^ x & highs
}

// hashOffset returns the byte offset in table.slots of the home slot of a
// short key.
func hashOffset(k0, k1 uint64) uintptr {
	return uintptr((k0^k1)*hashMul>>(64-tableBits-5)) &^ (entrySize - 1)
}

// semiBits7 is semiBits for the first seven bytes of w only.
func semiBits7(w uint64) uint64 {
	x := w ^ semis
	return (x - ones) &^ x & (highs >> 8)
}

// number parses the value at the start of w ("-?d?d.d") into tenths and
// returns it with the offset of the next line from the value's start.
// It reads a few bits of each byte and never fails: on a malformed value
// it returns some number and an advance between 3 and 7.
func number(w uint64) (int64, int) {
	dot := uint(bits.TrailingZeros64(^w&0x10101000|1<<36)) >> 3 // index of '.': 1, 2 or 3
	signed := int64(^w<<59) >> 63                               // -1 if '-', else 0
	sh := &valueShapes[dot&7]
	digits := (w ^ uint64(signed)&'-') & sh.mask // a leading '-' cleared
	abs := int64((digits * sh.mul >> 32) & 0x3FF)
	return (abs ^ signed) - signed, int(dot) + 3
}

// valueShapes is a read-only table: for each index of the '.' in a value,
// the mask that keeps the digits' low nibbles and the multiplier that
// gathers them, as hundreds*100 + tens*10 + tenths, in bits 32-41 of the
// product. It is the well-known multiply-and-shift parse with the shift
// that aligns the digits folded into the two constants.
var valueShapes = [8]struct{ mask, mul uint64 }{
	1: {0x0F000F0F00 >> 16, 0x640a0001 << 16}, // d.d
	2: {0x0F000F0F00 >> 8, 0x640a0001 << 8},   // dd.d or -d.d
	3: {0x0F000F0F00, 0x640a0001},             // -dd.d
}

// lines processes the lines starting in [p, end) of the memory at base, and
// returns where it stopped (the first line start at or after end), or -1
// when the table is full. base[p:p+margin] must be readable for every line
// start p < end.
func (t *table) lines(base unsafe.Pointer, p, end int) int {
	for p < end {
		if p = t.lines1(base, p, end); p < 0 {
			return -1
		}
		if p < end {
			if p = t.longLine(base, p); p < 0 {
				return -1
			}
		}
	}
	return p
}

// lines1 processes lines from p until end or a name of 16 bytes or more.
// It returns the position it stopped at, or -1 when the table is full.
func (t *table) lines1(base unsafe.Pointer, pA, end int) int {
	slots := unsafe.Pointer(&t.slots)
	for pA < end {
		w0A := load(base, pA)
		w1A := load(base, pA+7)
		t0A := semiBits7(w0A)
		t1A := semiBits(w1A)
		if t0A|t1A == 0 {
			break
		}
		m0A := t0A ^ (t0A - 1)
		zA := uint64(int64(m0A) >> 63) // all ones if ';' is not in bytes 0-6
		k0A := w0A & m0A
		k1A := w1A & (t1A ^ (t1A - 1)) & zA
		numA := pA + 1 + int(zA&7) + bits.TrailingZeros64(t0A|t1A&zA|1<<63)>>3
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
	return pA
}

// lines3 advances 3 cursors in step, so that their chains of dependent
// loads overlap, until one comes within maxAdvance of its end or reaches a
// name of 16 bytes or more. It returns the positions, the first -1 when
// the table is full.
func (t *table) lines3(base unsafe.Pointer, pA, endA, pB, endB, pC, endC int) (int, int, int) {
	slots := unsafe.Pointer(&t.slots)
	for {
		n := min(endA-pA, endB-pB, endC-pC) / maxAdvance
		if n <= 0 {
			return pA, pB, pC
		}
		for ; n > 0; n-- {
			w0A := load(base, pA)
			w1A := load(base, pA+7)
			t0A := semiBits7(w0A)
			t1A := semiBits(w1A)
			if t0A|t1A == 0 {
				if pA = t.longLine(base, pA); pA < 0 {
					return -1, 0, 0
				}
			} else {
				m0A := t0A ^ (t0A - 1)
				zA := uint64(int64(m0A) >> 63) // all ones if ';' is not in bytes 0-6
				k0A := w0A & m0A
				k1A := w1A & (t1A ^ (t1A - 1)) & zA
				numA := pA + 1 + int(zA&7) + bits.TrailingZeros64(t0A|t1A&zA|1<<63)>>3
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
							return -1, 0, 0
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
					return -1, 0, 0
				}
			} else {
				m0B := t0B ^ (t0B - 1)
				zB := uint64(int64(m0B) >> 63) // all ones if ';' is not in bytes 0-6
				k0B := w0B & m0B
				k1B := w1B & (t1B ^ (t1B - 1)) & zB
				numB := pB + 1 + int(zB&7) + bits.TrailingZeros64(t0B|t1B&zB|1<<63)>>3
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
							return -1, 0, 0
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
					return -1, 0, 0
				}
			} else {
				m0C := t0C ^ (t0C - 1)
				zC := uint64(int64(m0C) >> 63) // all ones if ';' is not in bytes 0-6
				k0C := w0C & m0C
				k1C := w1C & (t1C ^ (t1C - 1)) & zC
				numC := pC + 1 + int(zC&7) + bits.TrailingZeros64(t0C|t1C&zC|1<<63)>>3
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
							return -1, 0, 0
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
		}
	}
}

// longLine processes the one line at p, whose name has 15 bytes or more,
// and returns the start of the next line, or -1 when the table is full.
// The hash covers the whole name; a slot matches when its first 15 bytes,
// its length and then the rest of its bytes are equal.
func (t *table) longLine(base unsafe.Pointer, p int) int {
	w0, w1 := load(base, p), load(base, p+7)
	h := (w0 ^ w1) * hashMul
	n := 15
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
		slot := off / entrySize
		if e.count == 0 {
			if t.used >= verify.MaxStations {
				return -1
			}
			t.used++
			e.k0, e.k1, e.min, e.max = w0, w1, math.MaxInt16, math.MinInt16
			t.long[slot&tableMask] = longName{uint32(len(t.names)), uint32(n)}
			t.names = append(t.names, unsafe.Slice((*byte)(unsafe.Add(base, p)), n)...)
			t.names = append(t.names, make([]byte, 8)...) // room for a word load past the end
			break
		}
		if e.k0 == w0 && e.k1 == w1 {
			if l := t.long[slot&tableMask]; int(l.len) == n && equalTail(base, p, unsafe.Pointer(&t.names[l.off]), n) {
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

// equalTail reports whether bytes 15 to n of the name at base+p equal those
// of the stored name at q, comparing a word at a time. Both sides may be
// read up to 8 bytes past n.
func equalTail(base unsafe.Pointer, p int, q unsafe.Pointer, n int) bool {
	i := 15
	for ; i+8 <= n; i += 8 {
		if load(base, p+i) != load(q, i) {
			return false
		}
	}
	return (load(base, p+i)^load(q, i))<<(8*(8-(n-i))&63) == 0 || i == n
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
			// k0 holds bytes 0-7, k1 bytes 7-14 (see entry).
			var b [15]byte
			*(*uint64)(unsafe.Pointer(&b[0])) = e.k0
			*(*uint64)(unsafe.Pointer(&b[7])) = e.k1
			name = string(b[:bytes.IndexByte(b[:], ';')])
		}
		s := verify.Stats{Min: int64(e.min), Max: int64(e.max), Sum: e.sum, Count: int64(e.count) + t.big[i]}
		f(name, s)
	}
}

// Step 11 (draft).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

// span processes the lines starting in [p, end) of data with three
// cursors, one per third, and returns the first line start at or after
// end, or -1 when the table is full. data[q:q+margin] must be valid for
// every line start q < end.
func (t *table) span(data []byte, p, end int) int {
	base := unsafe.Pointer(&data[0])
	a, b, c := p, min(lineStart(data, p+(end-p)/3), end), min(lineStart(data, p+2*(end-p)/3), end)
	endA, endB, endC := b, c, end
	for a < endA && b < endB && c < endC {
		a, b, c, _ = t.lines3(base, a, endA, b, endB, c, endC)
		if a < 0 {
			return -1
		}
		if a < endA && isLong(base, a) {
			a = t.longLine(base, a)
		}
		if b < endB && isLong(base, b) {
			b = t.longLine(base, b)
		}
		if c < endC && isLong(base, c) {
			c = t.longLine(base, c)
		}
		if a < 0 || b < 0 || c < 0 {
			return -1
		}
	}
	if t.lines(base, a, endA) < 0 || t.lines(base, b, endB) < 0 {
		return -1
	}
	return t.lines(base, c, endC)
}

// isLong reports whether the name of the line at p has 16 bytes or more.
func isLong(base unsafe.Pointer, p int) bool {
	return semiBits(load(base, p))|semiBits(load(base, p+8)) == 0
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

func hash16(k0, k1 uint64) uint64 {
	return (k0 ^ bits.RotateLeft64(k1, 29)) * 0x9E3779B97F4A7C15
}

// number parses the value at the start of w ("-?d?d.d") into tenths and
// returns it with the offset of the next line from the value's start.
// It reads a few bits of each byte and never fails: on a malformed value
// it returns some number and an advance between 3 and 7.
func number(w uint64) (int64, int) {
	dotPos := uint(bits.TrailingZeros64(^w&0x10101000 | 1<<36)) // 8*index+4 of '.'
	signed := int64(^w<<59) >> 63                               // -1 if '-', else 0
	designMask := ^uint64(signed & 0xFF)
	digits := ((w & designMask) << ((28 - dotPos) & 63)) & 0x0F000F0F00
	abs := int64(((digits * 0x640a0001) >> 32) & 0x3FF)
	return (abs ^ signed) - signed, int(dotPos>>3) + 3
}

// lines processes the lines starting in [p, end) of the memory at base, and
// returns where it stopped (the first line start at or after end), or -1
// when the table is full. base[p:p+margin] must be readable for every line
// start p < end.
func (t *table) lines(base unsafe.Pointer, p, end int) int {
	for p < end {
		p, _, _, _ = t.lines1(base, p, end)
		if p < 0 {
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
func (t *table) lines1(base unsafe.Pointer, pA, end int) (int, int, int, int) {
	slots := &t.slots
	for pA < end {
		w0_A := load(base, pA)
		w1_A := load(base, pA+8)
		t0_A := semiBits(w0_A)
		t1_A := semiBits(w1_A)
		if t0_A|t1_A == 0 {
			break
		}
		tA, offA, m1A := t0_A, 0, uint64(0)
		if t0_A == 0 {
			tA, offA, m1A = t1_A, 64, t1_A^(t1_A-1)
		}
		k0A := w0_A & (t0_A ^ (t0_A - 1))
		k1A := w1_A & m1A
		numA := pA + (offA+bits.TrailingZeros64(tA|1<<63))>>3 + 1
		vA, advA := number(load(base, numA))
		pA = numA + advA
		iA := hash16(k0A, k1A) >> (64 - tableBits)
		for {
			e := &slots[iA&tableMask]
			if e.k0 == k0A && e.k1 == k1A {
				e.sum += vA
				e.count++
				e.min = min(e.min, int16(vA))
				e.max = max(e.max, int16(vA))
				break
			}
			if e.count == 0 {
				if t.used >= verify.MaxStations {
					return -1, 0, 0, 0
				}
				t.used++
				e.k0, e.k1 = k0A, k1A
				e.sum, e.count, e.min, e.max = vA, 1, int16(vA), int16(vA)
				break
			}
			iA++
		}
	}
	return pA, 0, 0, 0
}

// lines3 advances three cursors in step, so that the three chains of
// dependent loads overlap, until one reaches its end or a name of 16 bytes
// or more. It returns the three positions, the first -1 when the table is
// full.
func (t *table) lines3(base unsafe.Pointer, pA, endA, pB, endB, pC, endC int) (int, int, int, int) {
	slots := &t.slots
	for pA < endA && pB < endB && pC < endC {
		w0_A := load(base, pA)
		w1_A := load(base, pA+8)
		t0_A := semiBits(w0_A)
		t1_A := semiBits(w1_A)
		w0_B := load(base, pB)
		w1_B := load(base, pB+8)
		t0_B := semiBits(w0_B)
		t1_B := semiBits(w1_B)
		w0_C := load(base, pC)
		w1_C := load(base, pC+8)
		t0_C := semiBits(w0_C)
		t1_C := semiBits(w1_C)
		if t0_A|t1_A == 0 || t0_B|t1_B == 0 || t0_C|t1_C == 0 {
			break
		}
		tA, offA, m1A := t0_A, 0, uint64(0)
		if t0_A == 0 {
			tA, offA, m1A = t1_A, 64, t1_A^(t1_A-1)
		}
		k0A := w0_A & (t0_A ^ (t0_A - 1))
		k1A := w1_A & m1A
		numA := pA + (offA+bits.TrailingZeros64(tA|1<<63))>>3 + 1
		vA, advA := number(load(base, numA))
		pA = numA + advA
		iA := hash16(k0A, k1A) >> (64 - tableBits)
		for {
			e := &slots[iA&tableMask]
			if e.k0 == k0A && e.k1 == k1A {
				e.sum += vA
				e.count++
				e.min = min(e.min, int16(vA))
				e.max = max(e.max, int16(vA))
				break
			}
			if e.count == 0 {
				if t.used >= verify.MaxStations {
					return -1, 0, 0, 0
				}
				t.used++
				e.k0, e.k1 = k0A, k1A
				e.sum, e.count, e.min, e.max = vA, 1, int16(vA), int16(vA)
				break
			}
			iA++
		}
		tB, offB, m1B := t0_B, 0, uint64(0)
		if t0_B == 0 {
			tB, offB, m1B = t1_B, 64, t1_B^(t1_B-1)
		}
		k0B := w0_B & (t0_B ^ (t0_B - 1))
		k1B := w1_B & m1B
		numB := pB + (offB+bits.TrailingZeros64(tB|1<<63))>>3 + 1
		vB, advB := number(load(base, numB))
		pB = numB + advB
		iB := hash16(k0B, k1B) >> (64 - tableBits)
		for {
			e := &slots[iB&tableMask]
			if e.k0 == k0B && e.k1 == k1B {
				e.sum += vB
				e.count++
				e.min = min(e.min, int16(vB))
				e.max = max(e.max, int16(vB))
				break
			}
			if e.count == 0 {
				if t.used >= verify.MaxStations {
					return -1, 0, 0, 0
				}
				t.used++
				e.k0, e.k1 = k0B, k1B
				e.sum, e.count, e.min, e.max = vB, 1, int16(vB), int16(vB)
				break
			}
			iB++
		}
		tC, offC, m1C := t0_C, 0, uint64(0)
		if t0_C == 0 {
			tC, offC, m1C = t1_C, 64, t1_C^(t1_C-1)
		}
		k0C := w0_C & (t0_C ^ (t0_C - 1))
		k1C := w1_C & m1C
		numC := pC + (offC+bits.TrailingZeros64(tC|1<<63))>>3 + 1
		vC, advC := number(load(base, numC))
		pC = numC + advC
		iC := hash16(k0C, k1C) >> (64 - tableBits)
		for {
			e := &slots[iC&tableMask]
			if e.k0 == k0C && e.k1 == k1C {
				e.sum += vC
				e.count++
				e.min = min(e.min, int16(vC))
				e.max = max(e.max, int16(vC))
				break
			}
			if e.count == 0 {
				if t.used >= verify.MaxStations {
					return -1, 0, 0, 0
				}
				t.used++
				e.k0, e.k1 = k0C, k1C
				e.sum, e.count, e.min, e.max = vC, 1, int16(vC), int16(vC)
				break
			}
			iC++
		}
	}
	return pA, pB, pC, 0
}

// longLine processes the one line at p, whose name has 16 bytes or more,
// and returns the start of the next line, or -1 when the table is full.
func (t *table) longLine(base unsafe.Pointer, p int) int {
	e, num, ok := t.lookupLong(base, p, load(base, p), load(base, p+8))
	if !ok {
		return -1
	}
	v, adv := number(load(base, num))
	e.sum += v
	e.count++
	e.min = min(e.min, int16(v))
	e.max = max(e.max, int16(v))
	return num + adv
}

// lookupLong looks up a name of 16 bytes or more starting at p, whose first two
// words are w0 and w1. It returns the entry and the offset just after ';'.
func (t *table) lookupLong(base unsafe.Pointer, p int, w0, w1 uint64) (*entry, int, bool) {
	h := hash16(w0, w1)
	n := 16
	for ; n < 112; n += 8 {
		w := load(base, p+n)
		if s := semiBits(w); s != 0 {
			k := bits.TrailingZeros64(s) >> 3
			h = (h ^ (w & (s ^ (s - 1)))) * 0x9E3779B97F4A7C15
			n += k
			break
		}
		h = (h ^ w) * 0x9E3779B97F4A7C15
	}
	name := unsafe.Slice((*byte)(unsafe.Add(base, p)), n)
	i := h >> (64 - tableBits)
	for {
		slot := i & tableMask
		e := &t.slots[slot]
		if e.count == 0 {
			if t.used >= verify.MaxStations {
				return nil, 0, false
			}
			t.used++
			e.k0, e.k1 = w0, w1
			e.min, e.max = 999, -999
			t.long[slot] = longName{uint32(len(t.names)), uint32(n)}
			t.names = append(t.names, name...)
			return e, p + n + 1, true
		}
		if e.k0 == w0 && e.k1 == w1 {
			l := t.long[slot]
			if int(l.len) == n && string(t.names[l.off:l.off+l.len]) == string(name) {
				return e, p + n + 1, true
			}
		}
		i++
	}
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
			var b [16]byte
			*(*uint64)(unsafe.Pointer(&b[0])) = e.k0
			*(*uint64)(unsafe.Pointer(&b[8])) = e.k1
			name = string(b[:bytes.IndexByte(b[:], ';')])
		}
		s := verify.Stats{Min: int64(e.min), Max: int64(e.max), Sum: e.sum, Count: int64(e.count) + t.big[i]}
		f(name, s)
	}
}

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
		p = t.lines(unsafe.Pointer(&data[0]), p, fastEnd)
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

// lines processes the lines starting in [p, end) of the memory at base, and
// returns where it stopped (the first line start at or after end), or -1
// when the table is full. base[p:p+margin] must be readable for every line
// start p < end.
func (t *table) lines(base unsafe.Pointer, p, end int) int {
	slots := &t.slots
	for p < end {
		w0 := load(base, p)
		w1 := load(base, p+8)
		t0 := semiBits(w0)
		t1 := semiBits(w1)
		var numStart int
		var e *entry
		if t0|t1 != 0 {
			m0 := t0 ^ (t0 - 1)
			m1 := t1 ^ (t1 - 1)
			n := bits.TrailingZeros64(t0) >> 3
			if t0 != 0 {
				m1 = 0
			} else {
				n += bits.TrailingZeros64(t1) >> 3
			}
			k0 := w0 & m0
			k1 := w1 & m1
			numStart = p + n + 1
			i := hash16(k0, k1) >> (64 - tableBits)
			for {
				e = &slots[i&tableMask]
				if e.k0 == k0 && e.k1 == k1 {
					break
				}
				if e.count == 0 {
					if t.used >= verify.MaxStations {
						return -1
					}
					t.used++
					e.k0, e.k1 = k0, k1
					e.min, e.max = 999, -999
					break
				}
				i++
			}
		} else {
			var ok bool
			e, numStart, ok = t.lookupLong(base, p, w0, w1)
			if !ok {
				return -1
			}
		}
		w := load(base, numStart)
		dotPos := uint(bits.TrailingZeros64(^w & 0x10101000))
		signed := int64(^w<<59) >> 63
		designMask := ^uint64(signed & 0xFF)
		digits := ((w & designMask) << ((28 - dotPos) & 63)) & 0x0F000F0F00
		abs := int64(((digits * 0x640a0001) >> 32) & 0x3FF)
		v := (abs ^ signed) - signed
		p = numStart + int(dotPos>>3) + 3
		e.sum += v
		e.count++
		e.min = min(e.min, int16(v))
		e.max = max(e.max, int16(v))
	}
	return p
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

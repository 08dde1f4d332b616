// Step 27 reads the file with pread, not from the mapping, where the
// mapping is in small pages.
//
// Usage:
//
//	27-read-small FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE
// gives a message on stderr naming it and exit status 1. It assumes valid
// input (see verify) but does not read outside the file, crash or hang on
// a malformed one.
//
// Changed from 26-prefetch:
//   - Where a worker finds the file mapped in small pages (mappedSmall,
//     asked as in step 26), it reads its next segments with pread
//     (table.readSegment: source.readAt, the file's ReadAt), readPiece
//     bytes at a time plus readSlack, into a buffer of its own, and runs
//     the line code on the buffer. Elsewhere it reads from the mapping as
//     step 25 does. A failed or short read stops the workers with its
//     error.
//   - No prefetch: span is 25's again, and prefetch_amd64.s is gone.
//
// Why: a mapping in 4 KiB pages cost step 26 2.3 to 2.9 times the time of
// one in 2 MiB pages, and the prefetch took back 4-10% of that. Copied by
// the kernel into a 1 MiB buffer, which stays in the caches from one piece
// to the next, the file's bytes come as fast as from a mapping in 2 MiB
// pages. See README.md.
//
//onebrc:env GOEXPERIMENT=simd
package main

//go:generate go run gen.go

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
	"golang.org/x/sys/unix"

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
// one at a time, and cursors the number of lines each has in flight;
// wideCursors replaces cursors in the SIMD code once a worker's table holds
// manyNames names and long names come often, one in longEvery bytes read
// or more (table.pick).
//
// releaseLag is how far a segment's release stays behind its end: the
// worker that starts the next segment reads the byte before it (lineStart),
// and a release that had dropped that byte already would see its page (a
// 2 MiB folio, when the page cache holds the file in them) mapped again for
// the rest of the run. With one worker that was every segment's last 2 MiB:
// 0.8 GB of the 1B-row file. The lagging part goes with the next segment's
// release; 2 MiB keeps every release aligned to those folios.
const (
	segmentSize = 32 << 20
	cursors     = 2
	wideCursors = 3
	manyNames   = 1024
	longEvery   = 4096
	releaseLag  = 2 << 20
)

// Where the file is mapped in small pages, a worker reads its segments
// with pread, readPiece bytes at a time (and readSlack more, for the line
// that crosses the piece's end and the margin the line code reads past a
// line start), into a buffer of its own: 1 MiB was faster than 256 KiB,
// and than or as fast as 2 MiB (README.md). A worker looks at how its segments are mapped
// (mappedSmall) at its first segment and every checkEvery segments after
// it: reading /proc/self/smaps takes 0.7-2.4 ms (measured), 64 segments
// 0.2-0.9 s.
const (
	readPiece  = 1 << 20
	readSlack  = 512
	checkEvery = 64
)

// run aggregates the file named by args[0] and writes the answer to stdout.
func run(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: 27-read-small FILE")
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
	stations, err := aggregate(data, segmentSize, runtime.GOMAXPROCS(0), func(b []byte) {
		// Drop the page-table entries of a finished segment now, in
		// parallel with the reading, instead of all 3.4 million at once at
		// munmap. The pages stay in the page cache.
		unix.Madvise(b, unix.MADV_DONTNEED)
	}, source{readAt: f.ReadAt, small: mappedSmall, piece: readPiece})
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
// of workers claim in turn, and returns one Station per distinct name. After
// a worker is done with a segment it passes to release the segment but its
// last releaseLag bytes, and the last releaseLag bytes of the segment
// before it (the last segment: through the end of data). The ranges are
// disjoint and cover data once.
//
// Before it releases a segment, a worker asks src.small about it, while
// the segment is still mapped, at its first segment and every checkEvery
// segments after it; while the last answer that src.small could tell is
// yes (the file is mapped in small pages, see mappedSmall), it reads its
// segments with src.readAt instead of from data (table.readSegment). An
// error from src.readAt stops every worker, and aggregate returns it.
func aggregate(data []byte, size, workers int, release func([]byte), src source) ([]verify.Station, error) {
	tables := make([]*table, workers)
	var next atomic.Int64 // index of the next unclaimed segment
	var full atomic.Bool  // a worker saw more than MaxStations names
	var stop atomic.Bool  // full, or a read failed
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		t := newTable()
		tables[w] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				start := int(next.Add(1)-1) * size
				if start >= len(data) {
					return
				}
				end := min(start+size, len(data))
				ok := true
				if t.small {
					ok, errs[w] = t.readSegment(data, start, end, src)
				} else {
					ok = t.segment(data, start, end)
				}
				if errs[w] != nil {
					stop.Store(true)
					return
				}
				if !ok {
					full.Store(true)
					stop.Store(true)
					return
				}
				if t.segments%checkEvery == 0 {
					if small, known := src.small(data[start:end]); known {
						t.small = small
					}
				}
				t.segments++
				lo, hi := max(start-releaseLag, 0), max(end-releaseLag, 0)
				if end == len(data) {
					hi = end
				}
				release(data[lo:hi])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

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
	// is scanned in words up to byte 111 and in vectors up to byte 127 (a
	// valid one ends by byte 100), and the value word after it ends by
	// byte 120.
	margin = 128
	// maxAdvance bounds how far one line moves a cursor, even on malformed
	// input: at most 113 bytes up to the value, at most 7 more.
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
		if t.rest(unsafe.Pointer(&buf[0]), 0, n) < 0 {
			return false
		}
	}
	t.seen += end - start
	if t.read += end - start; t.read >= foldBytes {
		t.fold()
	}
	return true
}

// source is how aggregate reads the file where it does not read it from
// the mapping.
type source struct {
	// readAt reads len(b) bytes of the file from offset off, as
	// io.ReaderAt does (fewer, with io.EOF, at the end of the file).
	readAt func(b []byte, off int64) (int, error)
	// small reports whether b, a part of the mapping, is mapped in small
	// pages, and whether it can tell: the worker reads with readAt while
	// the last answer it could tell was yes.
	small func(b []byte) (small, known bool)
	// piece is how many bytes a read asks for, readSlack not counted:
	// readPiece, or less in tests.
	piece int
}

// readSegment processes the lines that start in [start, end) of data, as
// segment does, but reads them with src.readAt into t.buf, a piece of
// src.piece bytes at a time, and the readSlack bytes after it: the lines
// that start in the piece are processed from t.buf, the line that crosses
// its end whole, and the next piece starts at the line after it. It
// reports false when the table is full, and a failed read's error.
func (t *table) readSegment(data []byte, start, end int, src source) (bool, error) {
	start, end = lineStart(data, start), lineStart(data, end)
	if len(t.buf) != src.piece+readSlack {
		t.buf = make([]byte, src.piece+readSlack)
	}
	for p := start; p < end; {
		n, err := src.readAt(t.buf, int64(p))
		if n < min(len(t.buf), len(data)-p) {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // the file shrank
			}
			return true, fmt.Errorf("read at %d: %w", p, err)
		}
		b := t.buf[:min(n, len(data)-p)] // what the mapping holds, should the file have grown
		cut := min(src.piece, end-p)
		if !t.segment(b, 0, cut) {
			return false, nil
		}
		p += lineStart(b, cut)
	}
	return true, nil
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
	r := t.pick()
	k := cursors
	if r == wideRounds {
		k = wideCursors
	}
	// Cursor i reads the lines that start in [pos[i], ends[i]). The cuts
	// are line starts, so that each cursor stops exactly where the next one
	// starts, but a cut may lie past end (then the cursors after it have
	// nothing to read, and it is where the last one stops).
	var pos, ends [wideCursors]int
	pos[0] = p
	for i := 1; i < k; i++ {
		pos[i] = max(pos[i-1], lineStart(data, p+(end-p)/k*i))
		ends[i-1] = min(pos[i], end)
	}
	ends[k-1] = end
	var ok bool
	two, twoEnds := (*[cursors]int)(pos[:cursors]), (*[cursors]int)(ends[:cursors])
	switch r {
	case wideRounds:
		ok = t.linesWSIMD(base, &pos, &ends)
	case deferRounds:
		ok = t.linesDSIMD(base, two, twoEnds)
	case nowRounds:
		ok = t.linesNSIMD(base, two, twoEnds)
	default:
		ok = t.linesN(base, two, twoEnds)
	}
	if !ok {
		return -1
	}
	// The parts have the same size, so on most files the cursors stop
	// within a few lines of each other, and one cursor does the rest of each
	// part. If lines are much longer in one part than in another (a file
	// sorted by name, say), a large rest is split again.
	for i := range k {
		q := pos[i]
		if ends[i]-q > resplit {
			q = t.span(data, q, ends[i])
		} else {
			q = t.rest(base, q, ends[i])
		}
		if q < 0 || i == k-1 {
			return q
		}
	}
	panic("unreachable")
}

// rounds names the line code of a span (table.pick).
type rounds int

const (
	portableRounds rounds = iota // linesN: the portable code
	nowRounds                    // linesNSIMD: long names looked up at once
	deferRounds                  // linesDSIMD: their lookups deferred
	wideRounds                   // linesWSIMD: deferred, three cursors
)

// pick returns the rounds for the table's next span. Without the SIMD code
// that is the portable code. While fewer than one name in longEvery bytes
// read has had 32 bytes or more (the classic file has none), step 22's
// rounds are the fastest: they look such a name up where they read it, and
// keep the deferral for the short names. Once long names have come more
// often (the 10k file has one in 160 bytes), pick sets t.longNames and
// from then on defers their lookups as well (step 23), and with manyNames
// names or more, whose slots no longer fit in L1, adds a third cursor
// (step 24). Only linesNSIMD counts the long names: rounds that count
// nothing are 24's own, and the choice does not go back.
func (t *table) pick() rounds {
	if !t.simd {
		return portableRounds
	}
	if !t.longNames {
		if t.long == 0 || t.long*longEvery < t.seen {
			return nowRounds
		}
		t.longNames = true
	}
	if t.used >= manyNames {
		return wideRounds
	}
	return deferRounds
}

// rest processes the lines starting in [p, end) with one cursor, as
// lines1 or lines1SIMD.
func (t *table) rest(base unsafe.Pointer, p, end int) int {
	if t.simd {
		return t.lines1SIMD(base, p, end)
	}
	return t.lines1(base, p, end)
}

// Constants for finding a byte in a word (SWAR).
const (
	semis = 0x3B3B3B3B3B3B3B3B // ';' in every byte
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hashMul is the multiplier of the portable name hash, blockHash (2^64
// divided by the golden ratio, as in Fibonacci hashing).
const hashMul = 0x9E3779B97F4A7C15

// load reads the 8 bytes at base+p as a little-endian word, without a
// bounds check: callers keep p+8 within the mapping or buffer (see margin).
func load(base unsafe.Pointer, p int) uint64 {
	return *(*uint64)(unsafe.Add(base, p))
}

// BEGIN generated by gen.go from swarLine: edit the template, then go generate.

// lines1 processes the lines starting in [start, stop) with one cursor
// and returns the first line start at or after stop, or -1 when the table
// is full. base[p:p+margin] must be readable for every line start p < stop.
func (t *table) lines1(base unsafe.Pointer, start, stop int) int {
	slots := unsafe.Pointer(t.slots)
	pA := unsafe.Add(base, start)
	for int(uintptr(pA)-uintptr(base)) < stop {

		w0A := load(pA, 0)
		w1A := load(pA, 8)
		t0A := semiBits(w0A)
		t1A := semiBits(w1A)
		if t0A|t1A == 0 {
			qA := t.longLine(base, int(uintptr(pA)-uintptr(base)))
			if qA < 0 {
				return -1
			}
			pA = unsafe.Add(base, qA)
		} else {
			zA := uint64(int64((t0A-1)&^t0A) >> 63) // all ones when the ';' is not in w0
			k0A := w0A & (t0A ^ (t0A - 1))
			k1A := w1A & (t1A ^ (t1A - 1)) & zA
			numA := 1 + bits.TrailingZeros64(t0A|1<<63)>>3 + (1+bits.TrailingZeros64(t1A|1<<63)>>3)&int(zA)
			xA := *(*uint64)(unsafe.Add(pA, numA))
			posA := int64(xA<<59) >> 63
			dotA := bits.TrailingZeros64(^xA&0x10101000 | 1<<36)
			absA := int64((xA&uint64(posA|^0xFF)&valueShapes[dotA])*valueShapes[dotA+muls]>>32) & 0x3FF
			vA := posA - (absA ^ posA)
			pA = unsafe.Add(pA, numA+dotA>>3+3)
			hA := (k0A ^ k1A) * hashMul
			hA = (hA ^ hA>>32) * hashMul
			offA := uintptr(hA>>hashShift) &^ (entrySize - 1)
			eA := (*entry)(unsafe.Add(slots, offA))
			if eA.k0 != k0A || eA.k1 != k1A {
				// Not the home slot: probe on, or take the first empty slot.
				for {
					if eA.count == 0 {
						if t.used >= verify.MaxStations {
							return -1
						}
						t.taken[t.used] = uint32(offA / entrySize)
						t.used++
						eA.k0, eA.k1, eA.min, eA.max = k0A, k1A, math.MaxInt16, math.MinInt16
						break
					}
					offA = (offA + entrySize) & offsetMask
					eA = (*entry)(unsafe.Add(slots, offA))
					if eA.k0 == k0A && eA.k1 == k1A {
						break
					}
				}
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
	return int(uintptr(pA) - uintptr(base))
}

// linesN advances the cursors in step, one line each per round, so
// that their chains of dependent loads (line start, name, ';', value, next
// line start) overlap in the CPU. Cursor i reads from pos[i] towards
// ends[i]; linesN stops when a cursor comes within maxAdvance bytes of
// its end, leaves the cursors' positions in pos, and reports false when
// the table is full.
func (t *table) linesN(base unsafe.Pointer, pos, ends *[cursors]int) bool {
	slots := unsafe.Pointer(t.slots)
	pA := unsafe.Add(base, pos[0])
	pB := unsafe.Add(base, pos[1])
	for {
		// No cursor can pass its end within n rounds.
		n := min(ends[0]-int(uintptr(pA)-uintptr(base)), ends[1]-int(uintptr(pB)-uintptr(base))) / maxAdvance
		if n <= 0 {
			break
		}
		// A cursor at a name the rounds do not read stops them, and the
		// name is read by a call to longLine after them: with no call in
		// the rounds, the compiler keeps the cursors, base, slots and
		// constants in registers there (a Go call clobbers every register,
		// and values live across one were spilled and reloaded every line).
		long := -1
	rounds:
		for ; n > 0; n-- {

			w0A := load(pA, 0)
			w1A := load(pA, 8)
			t0A := semiBits(w0A)
			t1A := semiBits(w1A)
			if t0A|t1A == 0 {
				long = 0
				break rounds
			} else {
				zA := uint64(int64((t0A-1)&^t0A) >> 63) // all ones when the ';' is not in w0
				k0A := w0A & (t0A ^ (t0A - 1))
				k1A := w1A & (t1A ^ (t1A - 1)) & zA
				numA := 1 + bits.TrailingZeros64(t0A|1<<63)>>3 + (1+bits.TrailingZeros64(t1A|1<<63)>>3)&int(zA)
				xA := *(*uint64)(unsafe.Add(pA, numA))
				posA := int64(xA<<59) >> 63
				dotA := bits.TrailingZeros64(^xA&0x10101000 | 1<<36)
				absA := int64((xA&uint64(posA|^0xFF)&valueShapes[dotA])*valueShapes[dotA+muls]>>32) & 0x3FF
				vA := posA - (absA ^ posA)
				pA = unsafe.Add(pA, numA+dotA>>3+3)
				hA := (k0A ^ k1A) * hashMul
				hA = (hA ^ hA>>32) * hashMul
				offA := uintptr(hA>>hashShift) &^ (entrySize - 1)
				eA := (*entry)(unsafe.Add(slots, offA))
				if eA.k0 != k0A || eA.k1 != k1A {
					// Not the home slot: probe on, or take the first empty slot.
					for {
						if eA.count == 0 {
							if t.used >= verify.MaxStations {
								return false
							}
							t.taken[t.used] = uint32(offA / entrySize)
							t.used++
							eA.k0, eA.k1, eA.min, eA.max = k0A, k1A, math.MaxInt16, math.MinInt16
							break
						}
						offA = (offA + entrySize) & offsetMask
						eA = (*entry)(unsafe.Add(slots, offA))
						if eA.k0 == k0A && eA.k1 == k1A {
							break
						}
					}
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

			w0B := load(pB, 0)
			w1B := load(pB, 8)
			t0B := semiBits(w0B)
			t1B := semiBits(w1B)
			if t0B|t1B == 0 {
				long = 1
				break rounds
			} else {
				zB := uint64(int64((t0B-1)&^t0B) >> 63) // all ones when the ';' is not in w0
				k0B := w0B & (t0B ^ (t0B - 1))
				k1B := w1B & (t1B ^ (t1B - 1)) & zB
				numB := 1 + bits.TrailingZeros64(t0B|1<<63)>>3 + (1+bits.TrailingZeros64(t1B|1<<63)>>3)&int(zB)
				xB := *(*uint64)(unsafe.Add(pB, numB))
				posB := int64(xB<<59) >> 63
				dotB := bits.TrailingZeros64(^xB&0x10101000 | 1<<36)
				absB := int64((xB&uint64(posB|^0xFF)&valueShapes[dotB])*valueShapes[dotB+muls]>>32) & 0x3FF
				vB := posB - (absB ^ posB)
				pB = unsafe.Add(pB, numB+dotB>>3+3)
				hB := (k0B ^ k1B) * hashMul
				hB = (hB ^ hB>>32) * hashMul
				offB := uintptr(hB>>hashShift) &^ (entrySize - 1)
				eB := (*entry)(unsafe.Add(slots, offB))
				if eB.k0 != k0B || eB.k1 != k1B {
					// Not the home slot: probe on, or take the first empty slot.
					for {
						if eB.count == 0 {
							if t.used >= verify.MaxStations {
								return false
							}
							t.taken[t.used] = uint32(offB / entrySize)
							t.used++
							eB.k0, eB.k1, eB.min, eB.max = k0B, k1B, math.MaxInt16, math.MinInt16
							break
						}
						offB = (offB + entrySize) & offsetMask
						eB = (*entry)(unsafe.Add(slots, offB))
						if eB.k0 == k0B && eB.k1 == k1B {
							break
						}
					}
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
		}
		switch long {
		case 0:
			qA := t.longLine(base, int(uintptr(pA)-uintptr(base)))
			if qA < 0 {
				return false
			}
			pA = unsafe.Add(base, qA)
		case 1:
			qB := t.longLine(base, int(uintptr(pB)-uintptr(base)))
			if qB < 0 {
				return false
			}
			pB = unsafe.Add(base, qB)
		}
	}
	pos[0] = int(uintptr(pA) - uintptr(base))
	pos[1] = int(uintptr(pB) - uintptr(base))
	return true
}

// END generated

// semiBits returns a word with the high bit set in the lowest byte of w
// that is ';' (and maybe in higher bytes), or zero if there is none.
func semiBits(w uint64) uint64 {
	x := w ^ semis
	return (x - ones) &^ x & highs
}

// number parses the value at the start of w (-?\d?\d\.\d) into tenths,
// without branches, and returns it with the offset of the next line from
// the value's start. On a malformed value it returns some number and an
// advance of 4 to 7.
func number(w uint64) (int64, int) {
	// pos is -1 for a value without a '-' (bit 4 is set in a digit and
	// clear in '-'), else 0. '.' is the only byte of a value with bit 4
	// clear after that; the 1<<36 stops a malformed value at byte 4.
	pos := int64(w<<59) >> 63
	dot := bits.TrailingZeros64(^w&0x10101000 | 1<<36)
	digits := w & uint64(pos|^0xFF) & valueShapes[dot] // no '-' in byte 0
	abs := int64(digits*valueShapes[dot+muls]>>32) & 0x3FF
	return pos - (abs ^ pos), dot>>3 + 3 // the fraction digit and '\n' follow the '.'
}

// valueShapes is a read-only table, indexed by the bit index of the '.'
// of a value (12, 20 or 28, or 36 for a malformed value): at that index
// the mask that keeps the low nibbles of its digits, at muls past it the
// multiplier that sums them as hundreds*100 + tens*10 + ones into bits
// 32-41 of the product. It is the well-known multiply-and-shift parse
// (Quân Anh Mai's in the Java 1BRC) with its variable shift folded into
// the constants. Both halves have 65 entries, so that indexing them with
// a trailing-zero count needs no bounds check, and they are one array so
// that the line code needs the address of one.
var valueShapes = [2 * muls]uint64{
	12:        0x0F000F0F00 >> 16, // d.d
	20:        0x0F000F0F00 >> 8,  // dd.d and -d.d
	28:        0x0F000F0F00,       // -dd.d
	muls + 12: 0x640a0001 << 16,
	muls + 20: 0x640a0001 << 8,
	muls + 28: 0x640a0001,
}

// lenShapes holds valueShapes' masks and multipliers indexed by the
// distance from a value's ';' to its '\n' (4, 5 or 6: the '.' at bit 12,
// 20 or 28), the multipliers 8 past the masks; the other entries are zero,
// for malformed lines.
var lenShapes = [16]uint64{
	4:     valueShapes[12], // d.d
	5:     valueShapes[20], // dd.d and -d.d
	6:     valueShapes[28], // -dd.d
	8 + 4: valueShapes[muls+12],
	8 + 5: valueShapes[muls+20],
	8 + 6: valueShapes[muls+28],
}

// muls is the offset of the multipliers in valueShapes.
const muls = 65

// Table sizes: 2^17 slots keep the load factor under 0.08 with the 10,000
// names the rules allow (8 MiB of entries and 8 MiB of tails a table;
// 2^16 slots were 5% slower on the 10k file, see 19's README.md). foldBytes is how many bytes a worker reads before
// it moves its uint32 counts into int64 ones: at 6 bytes per line at least,
// fewer than 2^31 lines. hashShift takes the top tableBits bits of a hash
// as a slot number, times entrySize.
const (
	tableBits  = 17
	tableSize  = 1 << tableBits
	entrySize  = 64 // bytes in an entry, and in a tail: one cache line
	offsetMask = tableSize*entrySize - 1
	hashShift  = 64 - tableBits - 6 // 6 = log2(entrySize)
	foldBytes  = 8 << 30
)

// table is one worker's open-addressing hash table with linear probing.
// A slot is empty while its count is zero.
type table struct {
	slots *slotArray // in huge pages where the system has them (newSlots)
	// taken lists the slots in use, in the order they were taken, so that
	// each and fold visit those only: the 16 MiB of slots are never read
	// whole.
	taken [verify.MaxStations]uint32
	used  int // slots in use: taken[:used]
	read  int // bytes read since the last fold
	seen  int // bytes read in all
	long  int // names of 32 bytes or more read by linesNSIMD
	// longNames is set once long names have come often (pick).
	longNames bool
	simd      bool // read lines with lines1SIMD and the SIMD rounds
	// small makes the worker read its segments with pread (readSegment):
	// set where the file is mapped in small pages (aggregate).
	small    bool
	buf      []byte // readSegment's buffer
	segments int    // segments read
}

// newTable returns an empty table that reads lines with the SIMD code if
// this build and CPU have it.
func newTable() *table {
	return &table{slots: newSlots(), simd: haveSIMD()}
}

// hugePage is the size of an x86-64 huge page (a page-middle-directory
// entry maps 2 MiB).
const hugePage = 2 << 20

// newSlots returns a zeroed array of slots that starts at a multiple of
// hugePage, and asks the kernel to back it with huge pages. It allocates
// hugePage bytes more than it needs from the Go heap, where an allocation
// this large gets pages of its own, and keeps the aligned part: the array
// points into the allocation, which the garbage collector keeps alive
// through it. The advice (adviseHuge) comes before the first write, so
// the first fault in each 2 MiB maps a huge page. The heap's pages are
// usually fresh from the system and untouched, but where it had used them
// before it zeroes them first, touching every page in 4 KiB: adviseHuge
// gives those back too (steps 20 to 26 kept them, and such a table stayed
// in small pages, 18 MiB of them; see README.md). The advice is only
// that: where the kernel has no transparent huge pages, or none free, the
// slots live in small pages as in step 19. The allocation holds no
// pointers, so the collector never scans it.
func newSlots() *slotArray {
	const size = unsafe.Sizeof(slotArray{})
	buf := make([]byte, size+hugePage)
	skip := -int(uintptr(unsafe.Pointer(&buf[0]))) & (hugePage - 1)
	slots := buf[skip : skip+int(size)]
	adviseHuge(slots)
	return (*slotArray)(unsafe.Pointer(&slots[0]))
}

// slotArray holds a table's slots: slot i is entries[i] with tails[i].
// The line code finds a slot's tail tailsOffset bytes after its entry.
// The scratch slot is no slot of the table (no probe reaches it, and taken
// never lists it): linesNSIMD updates it for a cursor's pending line when
// the cursor has none (see gen.go's simdFinish). Its key stays zero, which
// is no short name's key, and its statistics mean nothing.
type slotArray struct {
	entries [tableSize]entry
	tails   [tableSize]tail
	scratch entry
}

// scratchOffset is the offset of slotArray.scratch.
const scratchOffset = unsafe.Offsetof(slotArray{}.scratch)

// tail holds bytes 32-95 of a slot's key (see entry), in one cache line.
type tail [8]uint64

// tailsOffset is the offset of slotArray.tails.
const tailsOffset = unsafe.Offsetof(slotArray{}.tails)

// entry is the first part of a slot: a station's key but bytes 32-95,
// and its statistics, in one cache line, without pointers. The slot's
// tail holds the rest of the key.
//
// The key is the name, its ';' and zero bytes up to 104 bytes (a valid
// name has at most 100 bytes, so its ';' is in bytes 0-100): k0 to k3 hold
// bytes 0-31, the tail bytes 32-95 and k12 bytes 96-103. As a name holds
// no ';', equal keys mean equal names, even for names with zero bytes, and
// no length needs comparing. A name of up to 31 bytes, whose tail and k12
// are zero, is found by comparing k0 to k3 (its ';' is in them, and no
// longer name has a ';' there): its lines never touch the tails, and its
// slots lie one cache line apart, as in step 20. A longer name is compared
// in full, its entry and tail at once.
//
// The SIMD line code compares bytes 0-31 and 32-95 as 32-byte vectors;
// the portable code reads names of up to 15 bytes, whose k2 and k3 are
// zero, and compares k0 and k1 only: the ';' in them tells a short key
// from any other.
type entry struct {
	k0, k1, k2, k3 uint64
	sum            int64  // tenths
	count          uint32 // since the last fold, plus one (see table.fold)
	min, max       int16  // tenths
	big            int64  // counts folded out of count
	k12            uint64
}

// keyLen is the length of a key (see entry): a name, its ';' and zero
// bytes.
const keyLen = 104

// fold moves all counts but one into big, so that no uint32 count can
// overflow however large the file (the one keeps the slot in use).
func (t *table) fold() {
	for _, i := range t.taken[:t.used] {
		if e := &t.slots.entries[i]; e.count > 1 {
			e.big += int64(e.count - 1)
			e.count = 1
		}
	}
	t.read = 0
}

// blockHash returns the byte offset in table.slots of the home slot of a
// name whose block xor (see nameBlocks) is x0, x1, as the portable line
// code computes it: x0^x1 times hashMul, its high half xored into its low
// half, times hashMul again, the top tableBits bits of that (the first
// steps of MurmurHash3's finalizer). Step 18 stopped after the first
// multiplication, whose top bits are a linear function of the name's
// bytes but for carries: names that differ in a regular way (numbered
// ones, say) have differences that such a function sends to few values,
// and many of them land on one slot. The shift and second multiplication
// make every bit of the slot depend on every bit of x0^x1 in a way no
// linear function does. The line code computes it written out.
func blockHash(x0, x1 uint64) uintptr {
	h := (x0 ^ x1) * hashMul
	h = (h ^ h>>32) * hashMul
	return uintptr(h>>hashShift) &^ (entrySize - 1)
}

// hash returns the byte offset in table.slots of the home slot of a name
// whose block xor is x0, x1, with the hash of the line code that reads t's
// lines: aesHash for the SIMD variant, blockHash for the portable one, so
// that longLine puts a name where the line code looks for it.
func (t *table) hash(x0, x1 uint64) uintptr {
	if t.simd {
		return aesHash(x0, x1)
	}
	return blockHash(x0, x1)
}

// nameBlocks finds the ';' that ends the name of the line at base+p and
// returns the name's length n and its block xor x0, x1, the input of its
// hash: the exclusive or of its 16-byte blocks, the name followed by its
// ';' and zero bytes up to a multiple of 16, as two little-endian words
// (x0 holds the xor of bytes 0-7, 16-23, 32-39 and so on). For a name of up
// to 15 bytes that is its key's first two words (see entry), for one of up
// to 31 the exclusive or of the key's two halves. Every byte of the name is
// in the block xor at a place given by its position modulo 16, so that
// names that differ anywhere have different block xors unless their
// differences cancel between blocks. It reads the line two words at a time
// up to the word that holds the ';'; with no ';' in the first 112 bytes
// (malformed input) it returns n = 112 and reads no further.
func nameBlocks(base unsafe.Pointer, p int) (n int, x0, x1 uint64) {
	for ; ; n += 16 {
		w0 := load(base, p+n)
		if s := semiBits(w0); s != 0 {
			j := bits.TrailingZeros64(s) >> 3 // the ';' is byte j of w0
			return n + j, x0 ^ w0&(1<<(8*j+8)-1), x1
		}
		w1 := load(base, p+n+8)
		if s := semiBits(w1); s != 0 {
			j := bits.TrailingZeros64(s) >> 3
			return n + 8 + j, x0 ^ w0, x1 ^ w1&(1<<(8*j+8)-1)
		}
		x0, x1 = x0^w0, x1^w1
		if n == 96 {
			return 112, x0, x1
		}
	}
}

// longLine processes the one line at p, whose name may have any length
// (the line code hands it the names it does not read itself), and returns
// the start of the next line, or -1 when the table is full. It finds the
// name's slot, whose key equals the name's, or takes an empty one for it.
// A malformed name of keyLen bytes or more has its first keyLen bytes for
// a key, and the answer shows only those.
func (t *table) longLine(base unsafe.Pointer, p int) int {
	n, x0, x1 := nameBlocks(base, p) // n: bytes before the ';'
	var k [keyLen / 8]uint64         // the key, a word at a time
	for i := range k {
		switch keep := n + 1 - 8*i; {
		case keep <= 0:
		case keep < 8:
			k[i] = load(base, p+8*i) & (1<<(8*keep) - 1)
		default:
			k[i] = load(base, p+8*i)
		}
	}
	off := t.hash(x0, x1)
	var e *entry
	for {
		e = (*entry)(unsafe.Add(unsafe.Pointer(t.slots), off))
		tl := &t.slots.tails[off/entrySize]
		if e.count == 0 {
			if t.used >= verify.MaxStations {
				return -1
			}
			t.taken[t.used] = uint32(off / entrySize)
			t.used++
			e.k0, e.k1, e.k2, e.k3, e.min, e.max = k[0], k[1], k[2], k[3], math.MaxInt16, math.MinInt16
			*tl, e.k12 = tail(k[4:12]), k[12]
			break
		}
		if e.k0 == k[0] && e.k1 == k[1] && e.k2 == k[2] && e.k3 == k[3] && *tl == tail(k[4:12]) && e.k12 == k[12] {
			break
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

// each calls f for every station in t.
func (t *table) each(f func(name string, s verify.Stats)) {
	for _, i := range t.taken[:t.used] {
		e := &t.slots.entries[i]
		f(t.name(i), verify.Stats{Min: int64(e.min), Max: int64(e.max), Sum: e.sum, Count: int64(e.count) + e.big})
	}
}

// name returns the name held by slot i of t: the bytes of its key before
// the ';' (all keyLen of them for a malformed name cut to that length).
// The tail is read only for a name of 32 bytes or more: the tails of the
// others were never written, and reading them would map their pages, 2 MiB
// each where the slots are in huge pages (up to 8 MiB a table; step 25
// did, and its peak anonymous memory on the classic file went from 17.8
// MB to as much as 32 MB in the last milliseconds of some runs).
func (t *table) name(i uint32) string {
	e := &t.slots.entries[i]
	var b [keyLen]byte // the key's words in order (see entry)
	for j, k := range [...]uint64{e.k0, e.k1, e.k2, e.k3} {
		*(*uint64)(unsafe.Pointer(&b[8*j])) = k
	}
	if n := bytes.IndexByte(b[:32], ';'); n >= 0 {
		return string(b[:n])
	}
	for j, k := range t.slots.tails[i] {
		*(*uint64)(unsafe.Pointer(&b[32+8*j])) = k
	}
	*(*uint64)(unsafe.Pointer(&b[96])) = e.k12
	if n := bytes.IndexByte(b[:], ';'); n >= 0 {
		return string(b[:n])
	}
	return string(b[:])
}

// Step 07 replaces Go's built-in map with github.com/dolthub/swiss, a Swiss
// table written as a library, and measures the two against each other. The
// built-in map wins: since Go 1.24 it is a Swiss table itself, and the
// compiler gives it advantages a library cannot have.
//
// Usage:
//
//	07-swiss FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE
// gives a message on stderr naming it and exit status 1.
//
// Changed from 06-no-alloc: each worker's map is a
// *swiss.Map[string, *verify.Stats] (sized for 1,024 stations at first),
// and so is the reducer's. Lookups pass the name's bytes in place with
// unsafe.String: the compiler's no-copy m[string(b)] exists only for
// built-in maps, and string(name) passed to Get allocated once per line
// with a name over 32 bytes (TestAddLinesNoAlloc counted 1,726 allocations
// per pass over the 10,000-station file). Get keeps no reference to its
// key, so the unsafe string never outlives the line; Put stores a copy.
//
// Why: 06's CPU profile on a 100M-row file spent 52% of its samples in the
// map lookup, runtime.mapaccess1_faststr. dolthub/swiss was built in 2023
// to beat Go's bucket-chained map of the time with Abseil's design: 16
// control bytes per group, matched at once with SSE2, and 7 bits of the
// hash stored per slot so that most mismatching keys are never compared.
//
// Result: on Go 1.26 the built-in map is faster, on the classic names and
// on 10,000 long names alike, by more on the latter (BenchmarkAddLines in
// main_test.go runs both on the same lines; README.md has the figures, the
// command and the raw results). Go 1.24 made
// the built-in map a Swiss table with the same ideas (groups of 8 slots,
// 7-bit tags, control bytes matched with SIMD on amd64), so dolthub's design
// advantage is gone, and what is left is the cost of being a library. For
// each line dolthub's Get makes two calls the built-in map does not:
// maphash's generic Hash wrapper around the runtime's string hash, and the
// assembly routine that matches 16 control bytes, which the compiler cannot
// inline. The built-in m[k] compiles to a direct call of
// mapaccess1_faststr, a lookup specialized for string keys in which the
// group match is an inlined compiler intrinsic. The next steps stop using a
// general-purpose map and build a table for this one job.
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
	"unsafe"

	"github.com/dolthub/swiss"

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

// initialSize is the number of stations a worker's map is sized for at
// first; it grows past that like any map.
const initialSize = 1024

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
	results := make(chan *swiss.Map[string, *verify.Stats])
	for range workers {
		go work(chunks, free, results)
	}
	readErr := read(r, chunks, free)

	// Reduce: fold every worker's map into the first one.
	merged := <-results
	for range workers - 1 {
		(<-results).Iter(func(name string, s *verify.Stats) bool {
			if m, ok := merged.Get(name); ok {
				m.Merge(*s)
			} else {
				merged.Put(name, s)
			}
			return false
		})
	}
	if readErr != nil {
		return nil, readErr
	}
	stations := make([]verify.Station, 0, merged.Count())
	merged.Iter(func(name string, s *verify.Stats) bool {
		stations = append(stations, verify.Station{Name: name, Stats: *s})
		return false
	})
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

// work aggregates every chunk received on chunks into a map of its own,
// returns each buffer to free, and sends the map on results when chunks is
// closed.
func work(chunks <-chan []byte, free chan<- []byte, results chan<- *swiss.Map[string, *verify.Stats]) {
	stats := swiss.NewMap[string, *verify.Stats](initialSize)
	for chunk := range chunks {
		addLines(stats, chunk)
		free <- chunk
	}
	results <- stats
}

// addLines adds every line of chunk to stats without allocating, except for
// the first line of each new station.
func addLines(stats *swiss.Map[string, *verify.Stats], chunk []byte) {
	for len(chunk) > 0 {
		semi := bytes.IndexByte(chunk, ';')
		if semi < 0 {
			return // a truncated last line
		}
		name := chunk[:semi]
		v, n := parseTenths(chunk[semi+1:])
		chunk = chunk[semi+1+n:]
		// The compiler's no-copy m[string(b)] only exists for built-in
		// maps: string(name) passed to Get would copy the name, and to the
		// heap, since Get's key escapes through its hash function. Get keeps
		// no reference to its key, so it may look at the chunk's bytes in
		// place; Put stores the key, which must own a copy.
		s, ok := stats.Get(unsafe.String(unsafe.SliceData(name), len(name)))
		if !ok {
			s = new(verify.Stats)
			stats.Put(string(name), s)
		}
		s.Add(v)
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

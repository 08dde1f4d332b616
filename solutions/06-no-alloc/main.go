// Step 06 adds a line to its station without allocating: the chunk stays
// []byte, the value is parsed by hand from the bytes after ';', and the map
// is indexed with m[string(b)], which the compiler compiles to a lookup that
// does not copy b.
//
// Usage:
//
//	06-no-alloc FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE
// gives a message on stderr naming it and exit status 1.
//
// Changed from 05-mapreduce: addLines no longer converts each line to a
// string for strings.Cut and the map key. It finds the ';' with
// bytes.IndexByte, and parseTenths reads the value straight from the bytes
// after it, returning the value and its length, so the '\n' needs no search
// of its own: the next line starts right after the value. The map lookup is
// stats[string(name)] with name a []byte; only the first line of a new
// station stores a string key (the copy a map key needs, since the buffer is
// reused).
//
// Why: 05's CPU profile on a 100M-row classic file spent 28% of its
// samples in runtime.slicebytetostring (one string allocated per line; most
// of that is runtime.mallocgc), and 17% in strings.Cut, searching each new
// string for the ';' after bytes.IndexByte had already searched it for the
// '\n'.
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
	results := make(chan map[string]*verify.Stats)
	for range workers {
		go work(chunks, free, results)
	}
	readErr := read(r, chunks, free)

	// Reduce: fold every worker's map into the first one.
	merged := <-results
	for range workers - 1 {
		for name, s := range <-results {
			if m := merged[name]; m != nil {
				m.Merge(*s)
			} else {
				merged[name] = s
			}
		}
	}
	if readErr != nil {
		return nil, readErr
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

// work aggregates every chunk received on chunks into a map of its own,
// returns each buffer to free, and sends the map on results when chunks is
// closed.
func work(chunks <-chan []byte, free chan<- []byte, results chan<- map[string]*verify.Stats) {
	stats := make(map[string]*verify.Stats)
	for chunk := range chunks {
		addLines(stats, chunk)
		free <- chunk
	}
	results <- stats
}

// addLines adds every line of chunk to stats without allocating, except for
// the first line of each new station.
func addLines(stats map[string]*verify.Stats, chunk []byte) {
	for len(chunk) > 0 {
		semi := bytes.IndexByte(chunk, ';')
		if semi < 0 {
			return // a truncated last line
		}
		name := chunk[:semi]
		v, n := parseTenths(chunk[semi+1:])
		chunk = chunk[semi+1+n:]
		// The compiler turns m[string(b)] into a lookup that does not copy
		// b; only storing a new key needs a string of its own.
		s := stats[string(name)]
		if s == nil {
			s = new(verify.Stats)
			stats[string(name)] = s
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

// Step 03 sends lines in batches of a few thousand, through a buffered
// channel, to a fixed pool of one worker per CPU, each with a private map.
//
// Usage:
//
//	03-batched-channels FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE,
// or a line that breaks the 1BRC rules, gives a message on stderr
// ("FILE:LINE: problem" for a bad line) and exit status 1.
//
// Changed from 02-goroutine-per-station: the reader no longer touches a
// line beyond copying it out of the Scanner; it collects 4,096 lines into a
// batch and sends the batch on a buffered channel. GOMAXPROCS workers take
// batches from that channel and do everything 01 did per line (cut, check,
// ParseFloat, map of *verify.Stats), each in its own map; at the end the
// maps are merged with verify.Stats.Merge. A worker that finds a bad line
// stops the reader; the error on the lowest line wins, as in 02.
//
// Why: 02 paid one channel handoff per line, which costs more than the work
// it hands over, and left the reader doing most of the work alone. A batch
// spreads one channel operation over 4,096 lines, the buffer lets the reader
// run ahead of the workers instead of waiting for each one, and a fixed pool
// of one worker per CPU replaces 10,000 goroutines with as many as can run
// at once. Per-worker maps need no locks; merging them costs
// O(stations × workers) once. See the README for what it buys.
//
// Measured: see results/leaderboard.md.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/onebrc/onebrc/harness/profile"
	"github.com/onebrc/onebrc/verify"
)

func main() {
	defer profile.Start()() // stops the profile when main returns
	if err := run(os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1) // a failed run needs no profile
	}
}

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

	var (
		batches = make(chan batch, 2*runtime.GOMAXPROCS(0))
		workers = make([]worker, runtime.GOMAXPROCS(0))
		wg      sync.WaitGroup
		failed  atomic.Bool // set by a worker on a bad line
		first   firstError
	)
	for i := range workers {
		wg.Add(1)
		go workers[i].aggregate(path, batches, &failed, &wg)
	}
	sc := bufio.NewScanner(f)
	sc.Split(scanLines)
	line := 0
	b := batch{first: 1, lines: make([]string, 0, batchSize)}
	for !failed.Load() && sc.Scan() {
		line++
		b.lines = append(b.lines, sc.Text())
		if len(b.lines) == batchSize {
			batches <- b
			b = batch{first: line + 1, lines: make([]string, 0, batchSize)}
		}
	}
	if len(b.lines) > 0 {
		batches <- b
	}
	if err := sc.Err(); err != nil {
		// bufio.ErrTooLong for a line over 64 KiB: no valid line is longer
		// than 106 bytes.
		first.set(line+1, fmt.Errorf("%s:%d: %w", path, line+1, err))
	}
	close(batches)
	wg.Wait()
	merged := make(map[string]*verify.Stats)
	for _, w := range workers {
		first.set(w.err.line, w.err.err)
		for name, s := range w.stats {
			if m := merged[name]; m != nil {
				m.Merge(*s)
			} else {
				merged[name] = s
			}
		}
	}
	if first.err != nil {
		return first.err
	}
	if len(merged) > verify.MaxStations {
		return fmt.Errorf("%s: %w", path, verify.ErrTooManyStations)
	}

	stations := make([]verify.Station, 0, len(merged))
	for name, s := range merged {
		stations = append(stations, verify.Station{Name: name, Stats: *s})
	}
	return verify.Write(stdout, stations)
}

// batchSize is the number of lines the reader sends in one message.
const batchSize = 4096

// batch is a run of consecutive lines of the file.
type batch struct {
	lines []string
	first int // line number of lines[0]
}

// worker is the state one worker goroutine owns: nothing else touches it
// until wg.Wait returns.
type worker struct {
	stats map[string]*verify.Stats
	err   firstError
}

// aggregate adds every line of every batch received on batches until the
// channel is closed. After a bad line it records the error, sets failed so
// the reader stops, and drains the channel without looking at the lines:
// batches arrive in file order, so none taken later can hold an earlier bad
// line.
func (w *worker) aggregate(path string, batches <-chan batch, failed *atomic.Bool, wg *sync.WaitGroup) {
	defer wg.Done()
	w.stats = make(map[string]*verify.Stats)
	for b := range batches {
		if failed.Load() {
			continue
		}
		for i, text := range b.lines {
			if err := w.add(path, b.first+i, text); err != nil {
				w.err.set(b.first+i, err)
				failed.Store(true)
				break
			}
		}
	}
}

// add checks one line and adds its value to its station.
func (w *worker) add(path string, line int, text string) error {
	name, value, ok := strings.Cut(text, ";")
	if !ok {
		return &verify.SyntaxError{File: path, Line: line, Msg: fmt.Sprintf("no ';' in line %q", clip(name))}
	}
	if msg := checkName(name); msg != "" {
		return &verify.SyntaxError{File: path, Line: line, Msg: msg}
	}
	if !validValue(value) {
		return &verify.SyntaxError{File: path, Line: line, Msg: fmt.Sprintf("bad value %q: want -?d{1,2}.d", clip(value))}
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return fmt.Errorf("%s:%d: %w", path, line, err)
	}
	s := w.stats[name]
	if s == nil {
		if len(w.stats) == verify.MaxStations {
			return fmt.Errorf("%s:%d: station %q: %w", path, line, name, verify.ErrTooManyStations)
		}
		s = new(verify.Stats)
		w.stats[name] = s
	}
	s.Add(tenths(v))
	return nil
}

// firstError keeps, of the errors it is given, the one on the lowest line:
// the first bad line of the file, whichever goroutine found it.
type firstError struct {
	line int
	err  error
}

// set records err found on line if it is earlier than the one kept. A nil
// err is ignored.
func (e *firstError) set(line int, err error) {
	if err != nil && (e.err == nil || line < e.line) {
		e.line, e.err = line, err
	}
}

// tenths converts a parsed value to integer tenths. It is exact for every
// valid value: the text is n/10 for an integer n with |n| <= 999, and
// ParseFloat returns the float64 nearest to n/10, within half an ulp of it.
// As |n/10| < 128 = 2^7, that error is at most 2^-47; times 10 it is below
// 2^-43, and rounding the product to float64 (|product| < 1024 = 2^10) adds
// at most 2^-43 more. So f*10 lies within 2^-42 of the integer n, far inside
// the 0.5 that math.Round needs, and n itself is exactly representable.
func tenths(f float64) int64 {
	return int64(math.Round(f * 10))
}

// checkName returns what is wrong with a station name, or "" if nothing is.
// strings.Cut split at the first ';', so name holds no ';'.
func checkName(name string) string {
	switch {
	case name == "":
		return "empty station name"
	case len(name) > verify.MaxNameLen:
		return fmt.Sprintf("station name of %d bytes, more than %d", len(name), verify.MaxNameLen)
	case !utf8.ValidString(name):
		return fmt.Sprintf("station name %q is not valid UTF-8", name)
	}
	return ""
}

// validValue reports whether s has the shape -?\d{1,2}\.\d. ParseFloat alone
// would also accept "1e1", "+1.0", "1.25", "Inf" and more.
func validValue(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if len(s) != 3 && len(s) != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == len(s)-2 {
			if s[i] != '.' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// scanLines is bufio.ScanLines without its dropping of a '\r' before '\n':
// "a;1.0\r" is not a valid line and must not pass as "a;1.0".
func scanLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF {
		return len(data), data, nil // last line without '\n'
	}
	return 0, nil, nil
}

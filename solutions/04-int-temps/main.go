// Step 04 parses each temperature by hand, straight into integer tenths,
// instead of through strconv.ParseFloat and a float64.
//
// Usage:
//
//	04-int-temps FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE,
// or a line that breaks the 1BRC rules, gives a message on stderr
// ("FILE:LINE: problem" for a bad line) and exit status 1.
//
// Changed from 03-batched-channels: validValue, strconv.ParseFloat and the
// exact float64-to-tenths conversion are replaced by parseTenths, which
// checks the shape -?d{1,2}.d and computes the tenths from the digits in one
// pass. No float64 is left in the program: values, min, max, sum and count
// are int64 tenths in verify.Stats from the parse to the output (01–03
// already aggregated in tenths, and no step keeps a list of values).
//
// Why: ParseFloat is general: it handles exponents, signs, underscores,
// infinities and arbitrary precision, and in 03 every value went through the
// shape check, ParseFloat and math.Round; a CPU profile of 03 put about a
// fifth of its samples in ParseFloat (see the README). A 1BRC value has at
// most five bytes of one fixed shape, so the digits can be read directly.
//
// Measured: see results/leaderboard.md.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
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
	v, ok := parseTenths(value)
	if !ok {
		return &verify.SyntaxError{File: path, Line: line, Msg: fmt.Sprintf("bad value %q: want -?d{1,2}.d", clip(value))}
	}
	s := w.stats[name]
	if s == nil {
		if len(w.stats) == verify.MaxStations {
			return fmt.Errorf("%s:%d: station %q: %w", path, line, name, verify.ErrTooManyStations)
		}
		s = new(verify.Stats)
		w.stats[name] = s
	}
	s.Add(v)
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

// parseTenths parses a value of the form -?\d{1,2}\.\d into integer tenths:
// "-12.3" is -123. It reports false for anything else.
func parseTenths(s string) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	var v int64
	switch {
	case len(s) == 3 && isDigit(s[0]) && s[1] == '.' && isDigit(s[2]):
		v = int64(s[0]-'0')*10 + int64(s[2]-'0')
	case len(s) == 4 && isDigit(s[0]) && isDigit(s[1]) && s[2] == '.' && isDigit(s[3]):
		v = int64(s[0]-'0')*100 + int64(s[1]-'0')*10 + int64(s[3]-'0')
	default:
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

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

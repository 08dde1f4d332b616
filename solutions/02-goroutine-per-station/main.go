// Step 02 gives every station its own goroutine, fed through an unbuffered
// channel by a reader goroutine that dispatches each line.
//
// Usage:
//
//	02-goroutine-per-station FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE,
// or a line that breaks the 1BRC rules, gives a message on stderr
// ("FILE:LINE: problem" for a bad line) and exit status 1.
//
// Changed from 01-naive: the reader (main's goroutine) still scans and cuts
// each line and checks the name, but instead of parsing the value and
// updating the station's statistics itself it sends the value text, with its
// line number, to the station's goroutine, which checks and parses the value
// and owns the station's verify.Stats. With 10,000 stations that is 10,000
// goroutines. When the input ends the reader closes every channel and waits
// for the goroutines (sync.WaitGroup) before it formats the answer. A bad
// value found by a station's goroutine stops the reader; the error on the
// lowest line wins, so the message is the same as 01's.
//
// Why: it is the step that looks parallel. It is not: every line costs an
// unbuffered channel handoff, a synchronisation between the reader and a
// station's goroutine that costs more than the work it hands over, and the
// reader still does the scanning, the string allocation and the map lookup
// alone. See the README for the cost.
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
		byName = make(map[string]*station)
		wg     sync.WaitGroup
		failed atomic.Bool // set by a station's goroutine on a bad value
		first  firstError
	)
	sc := bufio.NewScanner(f)
	sc.Split(scanLines)
	line := 0
	for !failed.Load() && sc.Scan() {
		line++
		name, value, ok := strings.Cut(sc.Text(), ";")
		if !ok {
			first.set(line, &verify.SyntaxError{File: path, Line: line, Msg: fmt.Sprintf("no ';' in line %q", clip(name))})
			break
		}
		if msg := checkName(name); msg != "" {
			first.set(line, &verify.SyntaxError{File: path, Line: line, Msg: msg})
			break
		}
		st := byName[name]
		if st == nil {
			if len(byName) == verify.MaxStations {
				first.set(line, fmt.Errorf("%s:%d: station %q: %w", path, line, name, verify.ErrTooManyStations))
				break
			}
			st = &station{ch: make(chan sample)}
			byName[name] = st
			wg.Add(1)
			go st.aggregate(path, &failed, &wg)
		}
		st.ch <- sample{value: value, line: line}
	}
	if err := sc.Err(); err != nil {
		// bufio.ErrTooLong for a line over 64 KiB: no valid line is longer
		// than 106 bytes.
		first.set(line+1, fmt.Errorf("%s:%d: %w", path, line+1, err))
	}
	for _, st := range byName {
		close(st.ch)
	}
	wg.Wait()
	for _, st := range byName {
		first.set(st.err.line, st.err.err)
	}
	if first.err != nil {
		return first.err
	}

	stations := make([]verify.Station, 0, len(byName))
	for name, st := range byName {
		stations = append(stations, verify.Station{Name: name, Stats: st.stats})
	}
	return verify.Write(stdout, stations)
}

// sample is one line's value on its way to its station's goroutine.
type sample struct {
	value string // the text after the ';'
	line  int    // line number, for error messages
}

// station is one station's channel and the state its goroutine owns: only
// that goroutine touches stats and err until wg.Wait returns.
type station struct {
	ch    chan sample
	stats verify.Stats
	err   firstError
}

// aggregate checks, parses and adds every value sent on st.ch until the
// channel is closed. After a bad value it records the error, sets failed so
// the reader stops, and keeps draining the channel so the reader never
// blocks on a send.
func (st *station) aggregate(path string, failed *atomic.Bool, wg *sync.WaitGroup) {
	defer wg.Done()
	for s := range st.ch {
		if st.err.err != nil {
			continue
		}
		if !validValue(s.value) {
			st.err.set(s.line, &verify.SyntaxError{File: path, Line: s.line, Msg: fmt.Sprintf("bad value %q: want -?d{1,2}.d", clip(s.value))})
			failed.Store(true)
			continue
		}
		v, err := strconv.ParseFloat(s.value, 64)
		if err != nil {
			st.err.set(s.line, fmt.Errorf("%s:%d: %w", path, s.line, err))
			failed.Store(true)
			continue
		}
		st.stats.Add(tenths(v))
	}
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

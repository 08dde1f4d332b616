// Step 01 reads the file line by line with bufio.Scanner, splits each line
// with strings.Cut, parses the value with strconv.ParseFloat and keeps a map
// from station name to a pointer to its running statistics.
//
// Usage:
//
//	01-naive FILE
//
// It prints the answer on stdout and exits 0. A missing or unreadable FILE,
// or a line that breaks the 1BRC rules, gives a message on stderr
// ("FILE:LINE: problem" for a bad line) and exit status 1.
//
// Changed from: nothing; this is the starting point, the program most of us
// write first (on the speaker's machine it took 6 minutes for 1B rows).
//
// Why: it is short, obviously right, and strict: every line is checked
// against the rules, so later steps are compared with a program nobody
// doubts. Two choices keep it correct rather than merely naive. It keeps a
// running min/max/sum/count per station (verify.Stats) instead of a list of
// every value, which for 1B rows would be 8 GB of float64 on top of the
// page-cached 13.8 GB file. And it keeps them in integer tenths, converted
// exactly from the parsed float64 (see tenths), because a float64 sum of 1B
// values drifts and the mean's half-up rounding then goes wrong at ties.
// Formatting, rounding and sorting come from package verify.
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

	stats := make(map[string]*verify.Stats)
	sc := bufio.NewScanner(f)
	sc.Split(scanLines)
	line := 0
	for sc.Scan() {
		line++
		name, value, ok := strings.Cut(sc.Text(), ";")
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
		s := stats[name]
		if s == nil {
			if len(stats) == verify.MaxStations {
				return fmt.Errorf("%s:%d: station %q: %w", path, line, name, verify.ErrTooManyStations)
			}
			s = new(verify.Stats)
			stats[name] = s
		}
		s.Add(tenths(v))
	}
	if err := sc.Err(); err != nil {
		// bufio.ErrTooLong for a line over 64 KiB: no valid line is longer
		// than 106 bytes.
		return fmt.Errorf("%s:%d: %w", path, line+1, err)
	}

	stations := make([]verify.Station, 0, len(stats))
	for name, s := range stats {
		stations = append(stations, verify.Station{Name: name, Stats: *s})
	}
	return verify.Write(stdout, stations)
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

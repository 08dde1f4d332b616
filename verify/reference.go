package verify

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// SyntaxError reports a line of a measurements file that breaks the 1BRC
// rules.
type SyntaxError struct {
	File string // file name as given by the caller
	Line int    // 1-based line number
	Msg  string // what is wrong, lower case
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ErrTooManyStations is wrapped by the error Aggregate returns for a file
// with more than MaxStations distinct names.
var ErrTooManyStations = errors.New("more than 10000 distinct station names")

// Aggregate reads measurements from r and returns one Station per distinct
// name, unsorted. It is the reference implementation: single-threaded,
// plain, and strict. A line that breaks the rules (no ';', an empty, over-long
// or invalid-UTF-8 name, a value not matching -?\d{1,2}\.\d) ends the scan with
// a *SyntaxError naming file and line; an I/O error comes back wrapped as
// "file:line: ...". The last line may lack its '\n'.
func Aggregate(r io.Reader, file string) ([]Station, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	index := make(map[string]int)
	var stations []Station
	for line := 1; ; line++ {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, &SyntaxError{file, line, fmt.Sprintf("line longer than %d bytes", len(b))}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s:%d: %w", file, line, err)
		}
		if len(b) == 0 && err != nil {
			break // clean end of input
		}
		b = bytes.TrimSuffix(b, []byte{'\n'})
		name, value, msg := ParseLine(b)
		if msg != "" {
			return nil, &SyntaxError{file, line, msg}
		}
		i, ok := index[string(name)]
		if !ok {
			if len(stations) == MaxStations {
				return nil, &SyntaxError{file, line, fmt.Sprintf("station %q: %v", name, ErrTooManyStations)}
			}
			i = len(stations)
			index[string(name)] = i
			stations = append(stations, Station{Name: string(name)})
		}
		stations[i].Stats.Add(value)
		if err != nil {
			break // last line without '\n'
		}
	}
	return stations, nil
}

// ParseLine splits one line (without its '\n') into name and value in
// tenths and checks both against the rules. On a broken line it returns a
// non-empty problem description, suitable for a *SyntaxError.
func ParseLine(line []byte) (name []byte, tenths int64, problem string) {
	semi := bytes.IndexByte(line, ';')
	if semi < 0 {
		return nil, 0, fmt.Sprintf("no ';' in line %q", clip(line))
	}
	name, num := line[:semi], line[semi+1:]
	switch {
	case len(name) == 0:
		return nil, 0, "empty station name"
	case len(name) > MaxNameLen:
		return nil, 0, fmt.Sprintf("station name of %d bytes, more than %d", len(name), MaxNameLen)
	case !utf8.Valid(name):
		return nil, 0, fmt.Sprintf("station name %q is not valid UTF-8", clip(name))
	}
	v, ok := ParseTenths(num)
	if !ok {
		return nil, 0, fmt.Sprintf("bad value %q: want -?d{1,2}.d, -99.9 to 99.9", clip(num))
	}
	return name, v, ""
}

// ParseTenths parses a value of the form -?\d{1,2}\.\d into tenths. It
// reports false for anything else.
func ParseTenths(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) < 3 || len(b) > 4 || b[len(b)-2] != '.' {
		return 0, false
	}
	var v int64
	for i, c := range b {
		if i == len(b)-2 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// clip shortens b for an error message.
func clip(b []byte) []byte {
	if len(b) > 120 {
		return b[:120]
	}
	return b
}

// AggregateFile runs Aggregate on the file at path and returns the formatted
// answer.
func AggregateFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	stations, err := Aggregate(f, path)
	if err != nil {
		return nil, err
	}
	return Format(stations), nil
}

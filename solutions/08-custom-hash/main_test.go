package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onebrc/onebrc/verify"
)

// TestChunkBoundaries runs aggregate on every golden case with chunks far
// smaller than a line, so that lines are cut and carried over at every
// possible offset, and with several workers.
func TestChunkBoundaries(t *testing.T) {
	ins, err := filepath.Glob("../../verify/testdata/*.txt")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, in := range ins {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(strings.TrimSuffix(in, ".txt") + ".out")
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 2, 3, 5, 8, 13, 64, 1000, 1 << 16} {
			if len(data) > 50_000 && size < 64 {
				continue // keep the test fast
			}
			for _, workers := range []int{1, 3} {
				stations, err := aggregate(bytes.NewReader(data), size, workers)
				if err != nil {
					t.Fatalf("aggregate(%s, %d, %d): %v", in, size, workers, err)
				}
				if got := verify.Format(stations); !bytes.Equal(got, want) {
					r, _ := verify.Compare(want, got)
					t.Errorf("aggregate(%s, size %d, %d workers):\n%v", filepath.Base(in), size, workers, r)
				}
			}
		}
	}
}

// TestAddLinesNoAlloc checks the step's idea: once every station is in the
// table, adding lines allocates nothing.
func TestAddLinesNoAlloc(t *testing.T) {
	chunk, err := os.ReadFile("../../verify/testdata/stations-10000.txt")
	if err != nil {
		t.Fatal(err)
	}
	tab := newTable()
	addLines(tab, chunk)
	if allocs := testing.AllocsPerRun(5, func() { addLines(tab, chunk) }); allocs != 0 {
		t.Errorf("addLines allocated %v times per run over known stations, want 0", allocs)
	}
}

func TestParseTenths(t *testing.T) {
	tests := []struct {
		in string
		v  int64
		n  int
	}{
		{"0.0\n", 0, 4},
		{"1.2\nx", 12, 4},
		{"-1.2\n", -12, 5},
		{"12.3\n", 123, 5},
		{"-12.3\n", -123, 6},
		{"99.9", 999, 4}, // last line without '\n'
		{"-99.9", -999, 5},
		{"-0.1", -1, 4},
		{"-0.0\n", 0, 5},
		{"05.3\n", 53, 5},
		{"-05.3\n", -53, 6},
		{"-00.0", 0, 5},
		// Truncated last lines: some value, but never past the end.
		{"", 0, 0},
		{"-", 0, 1},
		{"1", 0, 1},
		{"-1.", 0, 3},
		{"12.", 0, 3},
	}
	for _, tt := range tests {
		if v, n := parseTenths([]byte(tt.in)); v != tt.v || n != tt.n {
			t.Errorf("parseTenths(%q) = %d, %d, want %d, %d", tt.in, v, n, tt.v, tt.n)
		}
	}
}

// TestTableCollisions gives many different names the same hash: 10,000 of
// them the hash of the last slot, so that the probes wrap around the table,
// and fewer other hashes (the test is quadratic). Each name must still get
// its own stats.
func TestTableCollisions(t *testing.T) {
	for _, tt := range []struct {
		h     uint64
		names int
	}{{tableMask, verify.MaxStations}, {0, 1000}, {0xdead_beef_0000_0000, 1000}} {
		h := tt.h
		tab := newTable()
		for i := range tt.names {
			name := []byte(fmt.Sprintf("name%d", i))
			tab.lookup(name, h).Add(int64(i % 1000))
		}
		for i := range tt.names {
			name := []byte(fmt.Sprintf("name%d", i))
			s := tab.lookup(name, h)
			if s.Count != 1 || s.Sum != int64(i%1000) {
				t.Fatalf("hash %#x: %s has %+v, want one value %d", h, name, *s, i%1000)
			}
		}
		if tab.count != tt.names {
			t.Errorf("hash %#x: %d slots used, want %d", h, tab.count, tt.names)
		}
	}
}

// TestTableFull checks that a table refuses names beyond maxNames instead
// of looping forever, and that aggregate reports it.
func TestTableFull(t *testing.T) {
	var data []byte
	for i := range maxNames + 1 {
		data = fmt.Appendf(data, "n%d;1.0\n", i)
	}
	_, err := aggregate(bytes.NewReader(data), 1<<20, 2)
	if !errors.Is(err, errTooManyNames) {
		t.Errorf("aggregate(%d names) = %v, want %v", maxNames+1, err, errTooManyNames)
	}
}

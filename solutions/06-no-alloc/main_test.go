package main

import (
	"bytes"
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
// map, adding lines allocates nothing.
func TestAddLinesNoAlloc(t *testing.T) {
	chunk, err := os.ReadFile("../../verify/testdata/stations-10000.txt")
	if err != nil {
		t.Fatal(err)
	}
	stats := make(map[string]*verify.Stats)
	addLines(stats, chunk)
	if allocs := testing.AllocsPerRun(5, func() { addLines(stats, chunk) }); allocs != 0 {
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

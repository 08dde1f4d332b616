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

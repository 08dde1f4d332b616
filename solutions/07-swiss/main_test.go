package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dolthub/swiss"

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
	stats := swiss.NewMap[string, *verify.Stats](initialSize)
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

// addLinesBuiltin is 06-no-alloc's addLines, with Go's built-in map: the
// baseline the benchmarks compare swiss against, on the same lines.
func addLinesBuiltin(stats map[string]*verify.Stats, chunk []byte) {
	for len(chunk) > 0 {
		semi := bytes.IndexByte(chunk, ';')
		if semi < 0 {
			return
		}
		name := chunk[:semi]
		v, n := parseTenths(chunk[semi+1:])
		chunk = chunk[semi+1+n:]
		s := stats[string(name)]
		if s == nil {
			s = new(verify.Stats)
			stats[string(name)] = s
		}
		s.Add(v)
	}
}

// syntheticChunk returns rows lines over the given number of distinct
// names, of 3 to maxLen bytes of ASCII letters, with random values.
func syntheticChunk(rows, names, maxLen int) []byte {
	r := rand.New(rand.NewPCG(uint64(names), uint64(maxLen)))
	list := make([]string, names)
	seen := make(map[string]bool)
	for i := range list {
		for {
			b := make([]byte, 3+r.IntN(maxLen-2))
			for j := range b {
				b[j] = byte('a' + r.IntN(26))
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				list[i] = string(b)
				break
			}
		}
	}
	var buf []byte
	for i := range rows {
		name := list[i%names] // every name at least once
		if i >= names {
			name = list[r.IntN(names)]
		}
		buf = append(buf, name...)
		buf = append(buf, ';')
		buf = verify.AppendTenths(buf, int64(r.IntN(1999)-999))
		buf = append(buf, '\n')
	}
	return buf
}

// TestSwissMatchesBuiltin checks that both maps give the same answer on the
// benchmarks' workloads, so the benchmarks compare equal work.
func TestSwissMatchesBuiltin(t *testing.T) {
	for _, names := range []int{413, 10_000} {
		chunk := syntheticChunk(50_000, names, 100)
		builtin := make(map[string]*verify.Stats)
		addLinesBuiltin(builtin, chunk)
		sm := swiss.NewMap[string, *verify.Stats](initialSize)
		addLines(sm, chunk)
		var want, got []verify.Station
		for name, s := range builtin {
			want = append(want, verify.Station{Name: name, Stats: *s})
		}
		sm.Iter(func(name string, s *verify.Stats) bool {
			got = append(got, verify.Station{Name: name, Stats: *s})
			return false
		})
		if w, g := verify.Format(want), verify.Format(got); !bytes.Equal(w, g) {
			r, _ := verify.Compare(w, g)
			t.Errorf("%d names: swiss differs from the built-in map:\n%v", names, r)
		}
	}
}

// BenchmarkAddLines compares this step's addLines (dolthub/swiss) with
// 06's (Go's built-in map) on the same 1M lines, over 413 names of 3–16
// bytes (like the classic data) and over 10,000 names of 3–100 bytes.
// Both maps start at the same size hint and are warm: every name is in the
// map before timing starts, as in a worker after its first chunk. Besides
// wall time per pass, each reports cpu-ns/op, the process's CPU time per
// pass, which other processes on a shared machine disturb less.
//
//	go test -run '^$' -bench AddLines -count 10 ./solutions/07-swiss/ > new.txt
//	go tool benchstat -col /map new.txt
func BenchmarkAddLines(b *testing.B) {
	for _, w := range []struct {
		name          string
		names, maxLen int
	}{{"classic", 413, 16}, {"10k", 10_000, 100}} {
		chunk := syntheticChunk(1_000_000, w.names, w.maxLen)
		b.Run("data="+w.name+"/map=builtin", func(b *testing.B) {
			stats := make(map[string]*verify.Stats, initialSize)
			addLinesBuiltin(stats, chunk)
			b.SetBytes(int64(len(chunk)))
			start := cpuTime(b)
			for b.Loop() {
				addLinesBuiltin(stats, chunk)
			}
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
		})
		b.Run("data="+w.name+"/map=swiss", func(b *testing.B) {
			stats := swiss.NewMap[string, *verify.Stats](initialSize)
			addLines(stats, chunk)
			b.SetBytes(int64(len(chunk)))
			start := cpuTime(b)
			for b.Loop() {
				addLines(stats, chunk)
			}
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

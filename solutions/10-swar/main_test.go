package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onebrc/onebrc/verify"
)

// TestSegmentBoundaries runs aggregate on every golden case with segments
// far smaller than a line, so that segment boundaries fall at every offset
// of a line, and with several workers.
func TestSegmentBoundaries(t *testing.T) {
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
				stations, err := aggregate(data, size, workers)
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
	addLines(tab, chunk, 0, len(chunk))
	if allocs := testing.AllocsPerRun(5, func() { addLines(tab, chunk, 0, len(chunk)) }); allocs != 0 {
		t.Errorf("addLines allocated %v times per run over known stations, want 0", allocs)
	}
}

// TestParseTenths checks the branchless parser on every value from -99.9
// to 99.9, in each of its shapes (d.d, dd.d, -d.d, -dd.d), followed by '\n'
// and by whatever bytes come next: the next line, zero padding, 0xFF.
func TestParseTenths(t *testing.T) {
	for v := int64(verify.MinValue); v <= verify.MaxValue; v++ {
		text := verify.AppendTenths(nil, v)
		for _, next := range []string{"", "Abha;12.3", "\x00\x00\x00\x00", "\xff\xff\xff\xff", ";;;;;;"} {
			b := append(append(append([]byte{}, text...), '\n'), next...)
			b = append(b, make([]byte, 8)...)
			gotV, gotN := parseTenths(load(b, 0))
			if gotV != v || gotN != len(text)+1 {
				t.Fatalf("parseTenths(%q) = %d, %d, want %d, %d", b[:8], gotV, gotN, v, len(text)+1)
			}
		}
	}
	// Shapes the rules allow but AppendTenths never writes.
	for _, tt := range []struct {
		in string
		v  int64
	}{{"-0.0", 0}, {"00.0", 0}, {"-00.0", 0}, {"05.3", 53}, {"-05.3", -53}, {"09.9", 99}} {
		b := append([]byte(tt.in+"\n"), make([]byte, 8)...)
		if v, n := parseTenths(load(b, 0)); v != tt.v || n != len(tt.in)+1 {
			t.Errorf("parseTenths(%q) = %d, %d, want %d, %d", tt.in, v, n, tt.v, len(tt.in)+1)
		}
	}
}

// TestSemiBits compares the position semiBits finds with bytes.IndexByte on
// words made of ';' and its neighbours in value and in bits.
func TestSemiBits(t *testing.T) {
	alphabet := []byte{';', 0x00, 0x01, 0x3A, 0x3C, 0xBB, 0x7B, 0x3B ^ 0x80, 0xFF, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var b [8]byte
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		want := bytes.IndexByte(b[:], ';')
		got := -1
		if m := semiBits(load(b[:], 0)); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("semiBits(%q) finds ';' at %d, want %d", b, got, want)
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
			data, n, last := key(fmt.Sprintf("name%d", i))
			tab.lookup(data, 0, n, last, h).Add(int64(i % 1000))
		}
		for i := range tt.names {
			data, n, last := key(fmt.Sprintf("name%d", i))
			s := tab.lookup(data, 0, n, last, h)
			if s.Count != 1 || s.Sum != int64(i%1000) {
				t.Fatalf("hash %#x: name%d has %+v, want one value %d", h, i, *s, i%1000)
			}
		}
		if tab.count != tt.names {
			t.Errorf("hash %#x: %d slots used, want %d", h, tab.count, tt.names)
		}
	}
}

// key returns name as lookup takes it: padded with a word of zeros, its
// length, and its last partial word.
func key(name string) (data []byte, n int, last uint64) {
	data = append([]byte(name), make([]byte, 8)...)
	n = len(name)
	return data, n, load(data, n/8*8) & (1<<(8*(n%8)) - 1)
}

// TestTableNamesAsWords checks that names differing only in their last
// bytes, in their length or in NUL bytes, which all hash alike, stay apart,
// and that name gives each back.
func TestTableNamesAsWords(t *testing.T) {
	names := []string{"abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefg", "\x00", "\x00\x00",
		"abcdefghabcdefgh", "abcdefghabcdefgi", "abcdefghabcdefgh\x00", strings.Repeat("é", 50)}
	tab := newTable()
	for i, name := range names {
		data, n, last := key(name)
		tab.lookup(data, 0, n, last, 7).Add(int64(i))
	}
	for i, name := range names {
		data, n, last := key(name)
		if s := tab.lookup(data, 0, n, last, 7); s.Count != 1 || s.Sum != int64(i) {
			t.Errorf("%q has %+v, want one value %d", name, *s, i)
		}
	}
	var got []string
	for i := range tab.slots {
		if e := &tab.slots[i]; e.stats.Count > 0 {
			got = append(got, tab.name(e))
		}
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(names))
	if !slices.Equal(got, want) {
		t.Errorf("names in the table = %q, want %q", got, want)
	}
}

// TestTableFull checks that a table refuses names beyond maxNames instead
// of looping forever, and that aggregate reports it.
func TestTableFull(t *testing.T) {
	var data []byte
	for i := range maxNames + 1 {
		data = fmt.Appendf(data, "n%d;1.0\n", i)
	}
	_, err := aggregate(data, 1<<20, 2)
	if !errors.Is(err, errTooManyNames) {
		t.Errorf("aggregate(%d names) = %v, want %v", maxNames+1, err, errTooManyNames)
	}
}

// TestAggregateFile maps real files: an empty one (which mmap cannot map),
// files shorter than a word, and lines without a final '\n'.
func TestAggregateFile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "{}\n"},
		{"a;1.0", "{a=1.0/1.0/1.0}\n"},
		{"a;-1.5\n", "{a=-1.5/-1.5/-1.5}\n"},
		// Truncated last lines: any answer will do, but no crash.
		{"a;1.0\nb;2", ""},
		{"a;1.0\nb", ""},
		{"a;1.0\nb;-1.", ""},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "m.txt")
		if err := os.WriteFile(path, []byte(tt.in), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		stations, err := aggregateFile(f, 2)
		f.Close()
		if err != nil {
			t.Errorf("aggregateFile(%q): %v", tt.in, err)
			continue
		}
		if got := string(verify.Format(stations)); tt.want != "" && got != tt.want {
			t.Errorf("aggregateFile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

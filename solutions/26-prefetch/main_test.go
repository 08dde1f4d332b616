package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/cpu"

	"github.com/onebrc/onebrc/cmd/gen/measurements"

	"github.com/onebrc/onebrc/verify"
)

func noRelease([]byte) {}

// pages returns a smallPages function for aggregate that reports small,
// so that a test chooses whether the workers prefetch.
func pages(small bool) func([]byte) (bool, bool) {
	return func([]byte) (bool, bool) { return small, true }
}

// TestSegmentBoundaries runs aggregate on every golden case with segments
// far smaller than a line, so that segment and cursor boundaries fall at
// every offset of a line, and with several workers.
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
				for _, small := range []bool{false, true} {
					stations, err := aggregate(data, size, workers, noRelease, pages(small))
					if err != nil {
						t.Fatalf("aggregate(%s, %d, %d, small pages %v): %v", in, size, workers, small, err)
					}
					if got := verify.Format(stations); !bytes.Equal(got, want) {
						r, _ := verify.Compare(want, got)
						t.Errorf("aggregate(%s, size %d, %d workers, small pages %v):\n%v", filepath.Base(in), size, workers, small, r)
					}
				}
			}
		}
	}
}

// TestNames checks the key layout on random files whose names are built to
// collide in it: lengths around the edges of the portable code's inline key
// (7, 8, 15, 16 bytes), of the 32-byte key (31, 32, 33) and of the rounds'
// 32-byte compares of long names (63-65, 95-97, 100), zero bytes,
// multi-byte characters, long shared prefixes, and names that share their
// first 32 bytes, last 8 bytes and length (the whole input of step 18's
// long-name hash), compared with verify's reference aggregator.
func TestNames(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	pieces := []string{"a", "b", "\x00", "é", "日", "🙂", " ", ".", "-", "="}
	prefix := strings.Repeat("Prefix-shared ", 7) // 98 bytes
	for round := range 20 {
		var names []string
		seen := map[string]bool{}
		for len(names) < 300 {
			var name string
			switch r.IntN(4) {
			case 0: // around the edges of the keys and of the rounds' compares
				lengths := []int{1, 6, 7, 8, 9, 14, 15, 16, 17, 23, 24, 30, 31, 32, 33, 47, 48, 63, 64, 65, 95, 96, 97, 99, 100}
				n := lengths[r.IntN(len(lengths))]
				for len(name) < n {
					name += pieces[r.IntN(len(pieces))]
				}
			case 1: // a long shared prefix, then a short tail
				name = prefix[:15+r.IntN(80)]
				for range r.IntN(3) {
					name += pieces[r.IntN(len(pieces))]
				}
			case 2: // the same first 32 bytes, last 8 bytes and length
				name = "Shared-prefix-of-thirty-two-byte"
				for range []int{1, 2, 7, 8, 22, 23, 24, 25, 31, 32, 33, 40, 56, 60}[r.IntN(14)] {
					name += "ab"[r.IntN(2):][:1]
				}
				name += "-suffix8"
			default:
				for range 1 + r.IntN(40) {
					name += pieces[r.IntN(len(pieces))]
				}
			}
			if len(name) > verify.MaxNameLen || seen[name] {
				continue
			}
			seen[name] = true
			names = append(names, name)
		}
		var b bytes.Buffer
		for range 5000 {
			fmt.Fprintf(&b, "%s;%s\n", names[r.IntN(len(names))], verify.AppendTenths(nil, int64(r.IntN(1999)-999)))
		}
		data := b.Bytes()
		if round%2 == 1 {
			data = data[:len(data)-1] // no final '\n'
		}
		ref, err := verify.Aggregate(bytes.NewReader(data), "names")
		if err != nil {
			t.Fatal(err)
		}
		want := verify.Format(ref)
		for _, size := range []int{777, 1 << 20} {
			stations, err := aggregate(data, size, 2, noRelease, pages(true))
			if err != nil {
				t.Fatal(err)
			}
			if got := verify.Format(stations); !bytes.Equal(got, want) {
				r, _ := verify.Compare(want, got)
				t.Fatalf("round %d, segments of %d bytes:\n%v", round, size, r)
			}
		}
	}
}

// TestWideRounds checks the rounds with wideCursors cursors (linesWSIMD),
// which span uses once a worker's table holds manyNames names: the file
// starts with 3,000 names of 1 to 100 bytes, each once, in a segment of its
// own for a single worker, so that every later segment is read with them
// (and, with two workers, the second worker's first segments with two
// cursors); the answer is compared with verify's reference aggregator.
func TestWideRounds(t *testing.T) {
	r := rand.New(rand.NewPCG(24, 24))
	pieces := []string{"a", "b", "\x00", "é", "日", "🙂", " ", ".", "-", "="}
	var names []string
	seen := map[string]bool{}
	for len(names) < 3000 { // about three times manyNames
		var name string
		n := 1 + r.IntN(verify.MaxNameLen)
		if r.IntN(3) > 0 {
			n = 1 + r.IntN(31) // mostly short, as in the 10k set
		}
		for len(name) < n {
			name += pieces[r.IntN(len(pieces))]
		}
		if len(name) > verify.MaxNameLen || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, name)
	}
	var b bytes.Buffer
	for _, name := range names {
		fmt.Fprintf(&b, "%s;1.0\n", name)
	}
	first := b.Len()
	for range 60_000 {
		fmt.Fprintf(&b, "%s;%s\n", names[r.IntN(len(names))], verify.AppendTenths(nil, int64(r.IntN(1999)-999)))
	}
	data := b.Bytes()
	ref, err := verify.Aggregate(bytes.NewReader(data), "wide")
	if err != nil {
		t.Fatal(err)
	}
	want := verify.Format(ref)
	for _, c := range []struct{ size, workers int }{{first, 1}, {first, 2}, {first / 7, 1}} {
		stations, err := aggregate(data, c.size, c.workers, noRelease, pages(true))
		if err != nil {
			t.Fatal(err)
		}
		if got := verify.Format(stations); !bytes.Equal(got, want) {
			r, _ := verify.Compare(want, got)
			t.Errorf("segments of %d bytes, %d workers (simd %v):\n%v", c.size, c.workers, haveSIMD(), r)
		}
	}
}

// TestPick checks the rule by which a table picks its rounds.
func TestPick(t *testing.T) {
	for _, c := range []struct {
		desc             string
		simd, longNames  bool
		long, seen, used int
		want             rounds
		wantLongNames    bool
	}{
		{"portable", false, false, 5000, 4096, 5000, portableRounds, false},
		{"nothing read", true, false, 0, 0, 0, nowRounds, false},
		{"no long names", true, false, 0, 1 << 30, 10000, nowRounds, false},
		{"one in 4,097 bytes", true, false, 1000, 4097 * 1000, 10000, nowRounds, false},
		{"one in 4,096 bytes, few names", true, false, 1000, 4096 * 1000, manyNames - 1, deferRounds, true},
		{"one in 4,096 bytes, many names", true, false, 1000, 4096 * 1000, manyNames, wideRounds, true},
		{"picked before: the choice stays", true, true, 1, 1 << 30, 10, deferRounds, true},
		{"picked before, many names now", true, true, 1, 1 << 30, manyNames, wideRounds, true},
	} {
		tab := &table{simd: c.simd, longNames: c.longNames, long: c.long, seen: c.seen, used: c.used}
		if got := tab.pick(); got != c.want || tab.longNames != c.wantLongNames {
			t.Errorf("%s: pick() = %d with longNames %v, want %d with %v", c.desc, got, tab.longNames, c.want, c.wantLongNames)
		}
	}
}

// TestRoundsByData reads files of four kinds with one table, segment by
// segment, checks which rounds it picks at the end and what it holds
// against verify's reference: each set of SIMD rounds reads part of a file
// (the first segment of every file is linesNSIMD's).
func TestRoundsByData(t *testing.T) {
	for _, c := range []struct {
		desc         string
		names        int
		longPerMille int // names of 32 to 100 bytes, per 1,000 names
		longLines    int // a line with a long name every longLines lines; 0: as drawn
		want         rounds
	}{
		{"short names, many", 3000, 0, 0, nowRounds},
		{"rare long names", 400, 20, 500, nowRounds},
		{"long names, few", 300, 500, 0, deferRounds},
		{"long names, many", 3000, 333, 0, wideRounds},
	} {
		r := rand.New(rand.NewPCG(25, uint64(c.names)))
		pieces := []string{"a", "b", "\x00", "é", "日", "🙂", " ", ".", "-", "="}
		var short, long []string
		seen := map[string]bool{}
		for len(short)+len(long) < c.names {
			n := 1 + r.IntN(31)
			if r.IntN(1000) < c.longPerMille {
				n = 32 + r.IntN(verify.MaxNameLen-31)
			}
			var name string
			for len(name) < n {
				name += pieces[r.IntN(len(pieces))]
			}
			// Multi-byte pieces may take a name past 31 bytes: keep it
			// in the class it was drawn for.
			if len(name) > verify.MaxNameLen || seen[name] || (len(name) >= 32) != (n >= 32) {
				continue
			}
			seen[name] = true
			if len(name) >= 32 {
				long = append(long, name)
			} else {
				short = append(short, name)
			}
		}
		var b bytes.Buffer
		for i := range 60_000 {
			names := short
			if c.longLines == 0 {
				if r.IntN(len(short)+len(long)) < len(long) {
					names = long
				}
			} else if i%c.longLines == 0 {
				names = long
			}
			fmt.Fprintf(&b, "%s;%s\n", names[r.IntN(len(names))], verify.AppendTenths(nil, int64(r.IntN(1999)-999)))
		}
		data := b.Bytes()
		ref, err := verify.Aggregate(bytes.NewReader(data), c.desc)
		if err != nil {
			t.Fatal(err)
		}
		tab := newTable()
		size := len(data)/7 + 1
		for start := 0; start < len(data); start += size {
			if !tab.segment(data, start, min(start+size, len(data))) {
				t.Fatalf("%s: table full", c.desc)
			}
		}
		want := c.want
		if !haveSIMD() {
			want = portableRounds
		}
		if got := tab.pick(); got != want {
			t.Errorf("%s: picked %d after the file (long names %d in %d bytes, %d names), want %d", c.desc, got, tab.long, tab.seen, tab.used, want)
		}
		var stations []verify.Station
		tab.each(func(name string, s verify.Stats) {
			stations = append(stations, verify.Station{Name: name, Stats: s})
		})
		if got, want := verify.Format(stations), verify.Format(ref); !bytes.Equal(got, want) {
			r, _ := verify.Compare(want, got)
			t.Errorf("%s (simd %v):\n%v", c.desc, haveSIMD(), r)
		}
	}
}

// TestLongCollisions checks the comparison of long names past their key
// where it matters: pairs of names x and y of 33 to 100 bytes that differ
// in one byte only (the first after the key, the one before the last 8,
// or the last), with y read after x is in the table and every slot from
// y's home slot to x's in use, so that each y probes past x: the slots
// between are filled with short names by hand.
func TestLongCollisions(t *testing.T) {
	for _, n := range []int{33, 40, 41, 63, 64, 65, 70, 96, 97, 100} {
		for _, at := range []int{32, n - 9, n - 1} {
			if at < 32 || (at == n-9 && n-9 == 32) {
				continue
			}
			// Try names until y's home slot is at most 4096 slots before x's.
			tab := newTable()
			var x, y []byte
			var gap uintptr // slots from y's home slot to x's
		search:
			for i := 0; ; i++ {
				if i == 1<<12 {
					t.Fatalf("no pair of %d-byte names differing at byte %d has home slots close enough", n, at)
				}
				x = fmt.Appendf(nil, "%-*d", n, i) // i, then spaces
				y = bytes.Clone(x)
				for c := byte('A'); c <= 'z'; c++ {
					x[at], y[at] = 'x', c
					if gap = (nameHash(tab, x) - nameHash(tab, y)) & offsetMask / entrySize; c != 'x' && gap <= 4096 {
						break search
					}
				}
			}
			var input bytes.Buffer // all the lines tab holds, for the reference
			first := fmt.Appendf(nil, "%s;1.0\n", x)
			input.Write(first)
			if tab.longLine(unsafe.Pointer(&append(first, make([]byte, margin)...)[0]), 0) != len(first) {
				t.Fatal("longLine did not read the first line")
			}
			for s := range gap {
				off := (nameHash(tab, y) + s*entrySize) & offsetMask
				e := (*entry)(unsafe.Add(unsafe.Pointer(tab.slots), off))
				name := fmt.Sprintf("f%d", s)
				fmt.Fprintf(&input, "%s;0.0\n", name)
				var key [16]byte // the name, its ';', zeros (see entry)
				copy(key[:], name+";")
				e.k0, e.k1 = *(*uint64)(unsafe.Pointer(&key[0])), *(*uint64)(unsafe.Pointer(&key[8]))
				e.count, e.min, e.max = 1, 0, 0
				tab.taken[tab.used] = uint32(off / entrySize)
				tab.used++
			}
			var b bytes.Buffer
			for j := range 200 {
				fmt.Fprintf(&b, "%s;%d.%d\n%s;-%d.%d\n", x, j%90, j%10, y, j%70, j%10)
			}
			data := b.Bytes()
			input.Write(data)
			if !tab.segment(data, 0, len(data)) {
				t.Fatal("table full")
			}
			ref, err := verify.Aggregate(bytes.NewReader(input.Bytes()), "collisions")
			if err != nil {
				t.Fatal(err)
			}
			var got []verify.Station
			tab.each(func(name string, s verify.Stats) { got = append(got, verify.Station{Name: name, Stats: s}) })
			if want, got := verify.Format(ref), verify.Format(got); !bytes.Equal(got, want) {
				r, _ := verify.Compare(want, got)
				t.Errorf("%d-byte names differing at byte %d, %d slots apart (simd %v):\n%v", n, at, gap, haveSIMD(), r)
			}
		}
	}
}

// nameHash is the home slot of name in tab: the offset of the slot that
// the hash of tab's variant gives its block xor.
func nameHash(tab *table, name []byte) uintptr {
	x := blockXor(name)
	return tab.hash(x[0], x[1])
}

// blockXor is nameBlocks' block xor computed byte by byte: byte i of the
// name, then its ';', goes into byte i%16 of the result.
func blockXor(name []byte) [2]uint64 {
	var b [16]byte
	for i, c := range append(bytes.Clone(name), ';') {
		b[i%16] ^= c
	}
	return *(*[2]uint64)(unsafe.Pointer(&b))
}

// TestNameBlocks checks nameBlocks against blockXor on random names of
// every length from 1 to 100 bytes, followed by a value and more lines,
// and that a line with no ';' in its first 112 bytes stops it there.
func TestNameBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for n := 1; n <= verify.MaxNameLen; n++ {
		for range 20 {
			name := make([]byte, n)
			for i := range name {
				name[i] = byte(r.IntN(256))
				for name[i] == ';' || name[i] == '\n' {
					name[i] = byte(r.IntN(256))
				}
			}
			line := append(fmt.Appendf(nil, "%s;-12.3\nxy;1.0\n", name), make([]byte, margin)...)
			gotN, x0, x1 := nameBlocks(unsafe.Pointer(&line[0]), 0)
			if got, want := [2]uint64{x0, x1}, blockXor(name); gotN != n || got != want {
				t.Fatalf("nameBlocks(%q) = %d, %x; want %d, %x", name, gotN, got, n, want)
			}
		}
	}
	line := append(bytes.Repeat([]byte("x"), 120), make([]byte, margin)...)
	line[112] = ';'
	if n, _, _ := nameBlocks(unsafe.Pointer(&line[0]), 0); n != 112 {
		t.Errorf("nameBlocks of a line with its ';' at byte 112: n = %d, want 112", n)
	}
}

// TestHashSpread reads sets of names that are alike in the ways real ones
// are (numbered, sharing a prefix or a suffix, long ones that differ only
// in their middle) with each variant of the line code, and checks that
// their home slots spread over the table as those of random slots would:
// with the linear probing's invariant holding for every name (every slot
// from its home slot to its own is in use), at most twice as many names
// as random home slots would put elsewhere (n^2/2 slots over n names in
// tableSize slots, on average) and no name more than 32 slots from home.
// Step 18's hashes put 15-35% of the short numbered names and nearly all
// of the long ones that differ in their middle elsewhere.
func TestHashSpread(t *testing.T) {
	prefix := "The International Weather Service " // 34 bytes
	b36 := func(i int) string {
		const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
		return string([]byte{digits[i%36], digits[i/36%36], digits[i/1296%36]})
	}
	tenK, err := measurements.Stations(measurements.TenK, 1)
	if err != nil {
		t.Fatal(err)
	}
	sets := []struct {
		desc string
		name func(i int) string
	}{
		{"%05d", func(i int) string { return fmt.Sprintf("%05d", i) }},
		{"St + 3 base-36 digits", func(i int) string { return "St" + b36(i) }},
		{"x%dy", func(i int) string { return fmt.Sprintf("x%dy", i) }},
		{"Station number %04d", func(i int) string { return fmt.Sprintf("Station number %04d", i) }},
		{"A%dB%d", func(i int) string { return fmt.Sprintf("A%dB%d", i%100, i/100) }},
		{"34-byte prefix + %05d", func(i int) string { return fmt.Sprintf("%s%05d", prefix, i) }},
		{"prefix + %05d + suffix (63 bytes)", func(i int) string { return fmt.Sprintf("%s%05d of the northern network", prefix, i) }},
		{"prefix + %05d + suffix (100 bytes)", func(i int) string {
			return fmt.Sprintf("%s%s%05d%s", prefix, prefix[:20], i, strings.Repeat("-", 41))
		}},
		{"the 10k set", func(i int) string { return tenK[i].Name }},
	}
	variants := []bool{false}
	if haveSIMD() {
		variants = append(variants, true)
	}
	for _, simd := range variants {
		for _, set := range sets {
			for _, n := range []int{1000, verify.MaxStations} {
				var b bytes.Buffer
				for i := range n {
					fmt.Fprintf(&b, "%s;1.0\n", set.name(i))
				}
				data := b.Bytes()
				tab := newTable()
				tab.simd = simd
				if !tab.segment(data, 0, len(data)) {
					t.Fatal("table full")
				}
				if tab.used != n {
					t.Fatalf("%s, %d names (simd %v): %d slots in use", set.desc, n, simd, tab.used)
				}
				away, most := 0, 0
				tab.each(func(name string, _ verify.Stats) {
					home := nameHash(tab, []byte(name))
					d := 0
					for off := home; ; off = (off + entrySize) & offsetMask {
						if tab.slots.entries[off/entrySize].count == 0 {
							t.Fatalf("%s (simd %v): %q is not in the slots from its home slot on", set.desc, simd, name)
						}
						if tab.name(uint32(off/entrySize)) == name {
							break
						}
						d++
					}
					if d > 0 {
						away++
					}
					most = max(most, d)
				})
				limit := 2*n*n/(2*tableSize) + 10
				t.Logf("%s, %d names (simd %v): %d not in their home slot, the farthest %d away", set.desc, n, simd, away, most)
				if away > limit || most > 32 {
					t.Errorf("%s, %d names (simd %v): %d not in their home slot (want at most %d), the farthest %d slots away (want at most 32)",
						set.desc, n, simd, away, limit, most)
				}
			}
		}
	}
}

// TestTooManyStations checks that 10,001 names give ErrTooManyStations
// instead of a wrong answer or a full table.
func TestTooManyStations(t *testing.T) {
	// Short names are found by the short lines' path, names of 32 bytes or
	// more by the long names' (with 64 KiB segments the first is read by
	// linesNSIMD, which looks them up where it reads them, and the others
	// by linesDSIMD, then linesWSIMD, where the table fills up in the
	// finish step of a pending long line), and both mixed.
	for _, c := range []struct {
		desc   string
		format func(i int) string
	}{
		{"short", func(i int) string { return fmt.Sprintf("station %d", i) }},
		{"long", func(i int) string { return fmt.Sprintf("%s station %d", strings.Repeat("long ", 8), i) }},
		{"mixed", func(i int) string { return fmt.Sprintf("%s%d", strings.Repeat("x", i%70), i) }},
	} {
		var b bytes.Buffer
		for i := range verify.MaxStations + 1 {
			fmt.Fprintf(&b, "%s;1.0\n", c.format(i))
		}
		if _, err := aggregate(b.Bytes(), 64<<10, 1, noRelease, pages(true)); !errors.Is(err, verify.ErrTooManyStations) {
			t.Errorf("aggregate of %d %s names: error %v, want %v", verify.MaxStations+1, c.desc, err, verify.ErrTooManyStations)
		}
		// One name fewer fits.
		if _, err := aggregate(b.Bytes()[:bytes.LastIndexByte(b.Bytes()[:b.Len()-1], '\n')+1], 64<<10, 1, noRelease, pages(true)); err != nil {
			t.Errorf("aggregate of %d %s names: %v", verify.MaxStations, c.desc, err)
		}
	}
}

// TestFold checks that folding the uint32 counts into int64 ones, as a
// worker does every foldBytes, keeps every statistic.
func TestFold(t *testing.T) {
	data, err := os.ReadFile("../../verify/testdata/stations-10000.txt")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := verify.Aggregate(bytes.NewReader(data), "stations-10000")
	if err != nil {
		t.Fatal(err)
	}
	tab := newTable()
	for range 3 {
		if !tab.segment(data, 0, len(data)) {
			t.Fatal("table full")
		}
		tab.fold()
	}
	want := map[string]verify.Stats{}
	for _, s := range ref {
		st := s.Stats
		st.Sum *= 3
		st.Count *= 3
		want[s.Name] = st
	}
	got := 0
	tab.each(func(name string, s verify.Stats) {
		got++
		if s != want[name] {
			t.Errorf("%q: %+v after folds, want %+v", name, s, want[name])
		}
	})
	if got != len(want) {
		t.Errorf("%d stations after folds, want %d", got, len(want))
	}
}

// TestLinesNoAlloc checks that once every station is in the table, the line
// code allocates nothing.
func TestLinesNoAlloc(t *testing.T) {
	data, err := os.ReadFile("../../verify/testdata/stations-10000.txt")
	if err != nil {
		t.Fatal(err)
	}
	tab := newTable()
	tab.segment(data, 0, len(data))
	if allocs := testing.AllocsPerRun(5, func() { tab.segment(data, 0, len(data)) }); allocs != 0 {
		t.Errorf("segment allocated %v times per run over known stations, want 0", allocs)
	}
}

// TestNumber checks the branchless parser on every value from -99.9 to
// 99.9, followed by '\n' and by whatever bytes come next.
func TestNumber(t *testing.T) {
	for v := int64(verify.MinValue); v <= verify.MaxValue; v++ {
		text := verify.AppendTenths(nil, v)
		for _, next := range []string{"", "Abha;12.3", "\x00\x00\x00\x00", "\xff\xff\xff\xff", ";;;;;;"} {
			b := append(append(append([]byte{}, text...), '\n'), next...)
			b = append(b, make([]byte, 8)...)
			gotV, gotN := number(load(unsafe.Pointer(&b[0]), 0))
			if gotV != v || gotN != len(text)+1 {
				t.Fatalf("number(%q) = %d, %d, want %d, %d", b[:8], gotV, gotN, v, len(text)+1)
			}
		}
	}
	for _, tt := range []struct {
		in string
		v  int64
	}{{"-0.0", 0}, {"00.0", 0}, {"-00.0", 0}, {"05.3", 53}, {"-05.3", -53}, {"09.9", 99}} {
		b := append([]byte(tt.in+"\n"), make([]byte, 8)...)
		if v, n := number(load(unsafe.Pointer(&b[0]), 0)); v != tt.v || n != len(tt.in)+1 {
			t.Errorf("number(%q) = %d, %d, want %d, %d", tt.in, v, n, tt.v, len(tt.in)+1)
		}
	}
	// Malformed values must still move the cursor forward, by at most 7.
	for _, in := range []string{"", "x", "--", "1234567", "\xff\xff\xff\xff\xff\xff\xff\xff"} {
		b := append([]byte(in), make([]byte, 8)...)
		if _, n := number(load(unsafe.Pointer(&b[0]), 0)); n < 4 || n > 7 {
			t.Errorf("number(%q) advances %d, want 4 to 7", in, n)
		}
	}
}

// TestSemiBits compares the position semiBits finds with
// bytes.IndexByte on words made of ';' and its neighbours in value and in
// bits.
func TestSemiBits(t *testing.T) {
	alphabet := []byte{';', 0x00, 0x01, 0x3A, 0x3C, 0xBB, 0x7B, 0x3B ^ 0x80, 0xFF, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	find := func(m uint64) int {
		if m == 0 {
			return -1
		}
		return bits.TrailingZeros64(m) >> 3
	}
	for range 200_000 {
		var b [8]byte
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		w := load(unsafe.Pointer(&b[0]), 0)
		if got, want := find(semiBits(w)), bytes.IndexByte(b[:], ';'); got != want {
			t.Fatalf("semiBits(%q) finds ';' at %d, want %d", b, got, want)
		}
	}
}

// TestCursorCutPastEnd is the regression test for cursor cuts that fell
// past the end of the fast part of a segment: they were clamped to it, in
// the middle of a line, and the padded copy of the file's last lines then
// started there. It happened when the last segment held a few hundred
// bytes.
func TestCursorCutPastEnd(t *testing.T) {
	data, err := os.ReadFile("../../verify/testdata/long-names.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../verify/testdata/long-names.out")
	if err != nil {
		t.Fatal(err)
	}
	for tail := margin; tail < 3*margin && tail < len(data); tail++ {
		stations, err := aggregate(data, len(data)-tail, 1, noRelease, pages(true))
		if err != nil {
			t.Fatal(err)
		}
		if got := verify.Format(stations); !bytes.Equal(got, want) {
			r, _ := verify.Compare(want, got)
			t.Fatalf("last segment of %d bytes:\n%v", tail, r)
		}
	}
}

// TestValues runs the line code of this build on every value from -99.9 to
// 99.9 under names of 1 to 36 bytes (both sides of the portable code's
// 15-byte names and of the 32-byte key), in all the places of the cursor
// loop, and compares with verify.
func TestValues(t *testing.T) {
	var b bytes.Buffer
	for n := 1; n <= 36; n++ {
		name := strings.Repeat("x", n)
		if n%2 == 0 {
			name = name[:n-2] + "é" // a 2-byte character at the end of the name
		}
		for v := int64(verify.MinValue); v <= verify.MaxValue; v++ {
			fmt.Fprintf(&b, "%s;%s\n", name, verify.AppendTenths(nil, v))
		}
	}
	data := b.Bytes()
	ref, err := verify.Aggregate(bytes.NewReader(data), "values")
	if err != nil {
		t.Fatal(err)
	}
	want := verify.Format(ref)
	stations, err := aggregate(data, 1<<20, 1, noRelease, pages(true))
	if err != nil {
		t.Fatal(err)
	}
	if got := verify.Format(stations); !bytes.Equal(got, want) {
		r, _ := verify.Compare(want, got)
		t.Errorf("simd %v:\n%v", haveSIMD(), r)
	}
}

// TestGenerated checks that the line code in main.go and lines_simd.go is
// what gen.go writes from its templates.
func TestGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	out, err := exec.Command("go", "run", "gen.go", "-check").CombinedOutput()
	if err != nil {
		t.Errorf("go run gen.go -check: %v\n%s", err, out)
	}
}

// TestSIMDBuild runs this package's tests again built with
// GOEXPERIMENT=simd, so that a plain go test covers both variants of the
// line code, when the CPU can run the SIMD one.
func TestSIMDBuild(t *testing.T) {
	switch {
	case testing.Short():
		t.Skip("runs the go command")
	case haveSIMD():
		t.Skip("this build is the SIMD one")
	case runtime.GOARCH != "amd64" || !cpu.X86.HasAVX2 || !cpu.X86.HasAES:
		t.Skip("the CPU cannot run the SIMD variant")
	}
	cmd := exec.Command("go", "test", "-count=1", "-run", "^Test(SegmentBoundaries|Names|LongCollisions|HashSpread|NameBlocks|TooManyStations|Fold|LinesNoAlloc|Values|Variant)$", ".")
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=simd")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("GOEXPERIMENT=simd go test: %v\n%s", err, out)
	}
}

// TestVariant checks which line code a table uses: the SIMD one exactly
// when the build has it.
func TestVariant(t *testing.T) {
	if got, want := newTable().simd, haveSIMD(); got != want {
		t.Errorf("newTable().simd = %v, want %v", got, want)
	}
	t.Logf("this build reads lines with the SIMD code: %v", haveSIMD())
}

// BenchmarkSegment times one worker's table on 1M generated rows held in
// memory (no mapping, no page faults), warm: every name is in the table
// before timing starts. Besides the classic and 10k sets it reads 10,000
// numbered names, which the hash must spread as well as the others. The variant is the build's, so the two compare as
//
//	go test -run '^$' -bench Segment -count 10 ./solutions/26-prefetch/ > swar.txt
//	GOEXPERIMENT=simd go test -run '^$' -bench Segment -count 10 ./solutions/26-prefetch/ > simd.txt
//	go tool benchstat swar.txt simd.txt
func BenchmarkSegment(b *testing.B) {
	for _, stations := range []string{"classic", "10k", "numbered"} {
		var buf bytes.Buffer
		if stations == "numbered" {
			// 10,000 names "00000" to "09999", which step 18's hash put
			// off their home slot 20% of the time (TestHashSpread).
			r := rand.New(rand.NewPCG(1, 1))
			for range 1_000_000 {
				fmt.Fprintf(&buf, "%05d;%s\n", r.IntN(verify.MaxStations), verify.AppendTenths(nil, int64(r.IntN(1999)-999)))
			}
		} else if _, err := measurements.Write(context.Background(), &buf, measurements.Options{Rows: 1_000_000, Stations: stations, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.Run("data="+stations, func(b *testing.B) {
			tab := newTable()
			tab.segment(data, 0, len(data))
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if !tab.segment(data, 0, len(data)) {
					b.Fatal("table full")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/row")
		})
	}
}

// TestReleaseLag: with one worker, nothing reads a byte of data after it
// was released, and the released ranges cover data once. The test's
// release overwrites what it is given with '\n': a later read of those
// bytes would start a segment in the middle of a line and change the
// answer. Without releaseLag it does: the next segment's lineStart reads
// the byte before that segment.
func TestReleaseLag(t *testing.T) {
	var b bytes.Buffer
	if _, err := measurements.Write(context.Background(), &b, measurements.Options{Rows: 1_500_000, Stations: "classic", Seed: 3}); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	want, err := verify.Aggregate(bytes.NewReader(data), "m.txt")
	if err != nil {
		t.Fatal(err)
	}
	const size = 4 << 20 // segments of 2 releaseLags, 5 or 6 of them
	next := 0            // where the released ranges have reached
	release := func(r []byte) {
		if len(r) == 0 {
			return
		}
		off := int(uintptr(unsafe.Pointer(&r[0])) - uintptr(unsafe.Pointer(&data[0])))
		if off != next {
			t.Errorf("released [%d, %d), want it to start at %d", off, off+len(r), next)
		}
		next = off + len(r)
		for i := range r {
			r[i] = '\n'
		}
	}
	stations, err := aggregate(data, size, 1, release, pages(true))
	if err != nil {
		t.Fatal(err)
	}
	if next != len(data) {
		t.Errorf("released up to %d of %d bytes", next, len(data))
	}
	if got, want := verify.Format(stations), verify.Format(want); !bytes.Equal(got, want) {
		t.Errorf("a segment read released bytes: the answer differs\n got %.200s\nwant %.200s", got, want)
	}
}

// TestOverlongNames reads names longer than the rules allow (malformed
// input), between short lines on both sides of the cursors' cuts: a name
// of up to keyLen-1 bytes comes back whole with its values, one of keyLen
// to 111 bytes (whose ';' nameBlocks still finds) cut to its first keyLen
// bytes, and the short lines around them are all counted.
func TestOverlongNames(t *testing.T) {
	for _, n := range []int{101, 102, 103, 104, 105, 111} {
		name := fmt.Sprintf("%03d%s", n, strings.Repeat("ab-é ", 30))[:n]
		var b bytes.Buffer
		for i := range 400 {
			fmt.Fprintf(&b, "short;2.0\n")
			if i%100 == 7 {
				fmt.Fprintf(&b, "%s;-1.5\n%s;12.5\n", name, name)
			}
		}
		stations, err := aggregate(b.Bytes(), len(b.Bytes())/3, 2, noRelease, pages(true))
		if err != nil {
			t.Fatalf("%d-byte name: %v", n, err)
		}
		want := map[string]verify.Stats{
			"short":               {Min: 20, Max: 20, Sum: 400 * 20, Count: 400},
			name[:min(n, keyLen)]: {Min: -15, Max: 125, Sum: 4 * 110, Count: 8},
		}
		got := make(map[string]verify.Stats)
		for _, s := range stations {
			got[s.Name] = s.Stats
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%d-byte name (simd %v): got %v, want %v", n, haveSIMD(), got, want)
		}
	}
}

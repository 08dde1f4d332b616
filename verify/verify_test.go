package verify_test

import (
	"bytes"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/onebrc/onebrc/verify"
)

var update = flag.Bool("update", false, "rewrite golden report files in testdata/reports")

// TestGolden runs the reference aggregator on every testdata/*.txt and
// compares its answer byte for byte with testdata/*.out, which an
// independent oracle (testdata/golden.py) wrote.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(inputs) < 10 {
		t.Fatalf("want at least 10 golden cases, found %d (%v)", len(inputs), err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(in, ".txt") + ".out")
			if err != nil {
				t.Fatal(err)
			}
			got, err := verify.AggregateFile(in)
			if err != nil {
				t.Fatalf("AggregateFile(%s): %v", in, err)
			}
			if !bytes.Equal(got, want) {
				r, _ := verify.Compare(want, got)
				t.Errorf("AggregateFile(%s) differs from %s.out:\n%s", in, name, r)
			}
		})
	}
}

// TestInvalid checks that each broken input gives the exact error in its
// .err file, naming file, line and problem.
func TestInvalid(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/invalid/*.txt")
	if len(inputs) < 10 {
		t.Fatalf("want at least 10 invalid cases, found %d", len(inputs))
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			want, err := os.ReadFile(strings.TrimSuffix(in, ".txt") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			_, err = verify.AggregateFile(in)
			var se *verify.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("AggregateFile(%s) = %v, want a *SyntaxError", in, err)
			}
			if got := err.Error() + "\n"; got != string(want) {
				t.Errorf("AggregateFile(%s) error\n got %q\nwant %q", in, got, want)
			}
		})
	}
}

func TestTooManyStationsWrapped(t *testing.T) {
	_, err := verify.AggregateFile("testdata/invalid/too-many-stations.txt")
	if !strings.Contains(err.Error(), verify.ErrTooManyStations.Error()) {
		t.Errorf("error %v does not mention %v", err, verify.ErrTooManyStations)
	}
}

func TestAggregateMissingFile(t *testing.T) {
	_, err := verify.AggregateFile("testdata/no-such-file.txt")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("AggregateFile(missing) = %v, want os.ErrNotExist", err)
	}
}

func TestMean(t *testing.T) {
	tests := []struct {
		sum, count, want int64
	}{
		{0, 1, 0},
		{1, 2, 1},   // 0.05 -> 0.1
		{-1, 2, 0},  // -0.05 -> 0.0
		{-3, 2, -1}, // -0.15 -> -0.1
		{3, 2, 2},   // 0.15 -> 0.2
		{-5, 2, -2}, // -0.25 -> -0.2
		{-1, 3, 0},  // -0.033 -> 0.0
		{-2, 3, -1}, // -0.067 -> -0.1
		{2, 3, 1},   // 0.067 -> 0.1
		{-999, 1, -999},
		{999, 1, 999},
		{-1998, 2, -999},
		{999_000_000_000, 1_000_000_000, 999},
		{-999_000_000_001, 1_000_000_000, -999},
		{-999_500_000_000, 1_000_000_000, -999}, // -99.95 -> -99.9
	}
	for _, tt := range tests {
		if got := verify.Mean(tt.sum, tt.count); got != tt.want {
			t.Errorf("Mean(%d, %d) = %d, want %d", tt.sum, tt.count, got, tt.want)
		}
	}
}

func TestAppendTenths(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0.0"}, {5, "0.5"}, {-5, "-0.5"}, {10, "1.0"}, {-10, "-1.0"},
		{123, "12.3"}, {-123, "-12.3"}, {999, "99.9"}, {-999, "-99.9"},
		{1000, "100.0"}, {-123456, "-12345.6"},
	}
	for _, tt := range tests {
		if got := string(verify.AppendTenths(nil, tt.in)); got != tt.want {
			t.Errorf("AppendTenths(nil, %d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompareNames(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"a", "b", -1},
		{"a", "a", 0},
		{"a", "ab", -1},
		{"ab", "a", 1},
		{"Zurich", "Zürich", -1},
		{"\U0001F600", "\uFF21", -1}, // UTF-16: D83D < FF21; bytes say the opposite
		{"\uFF21", "\U0001F600", 1},
		{"\U0001F600", "\uE000", -1},
		{"\U0001F600", "\uD7FF", 1}, // below the surrogates: byte order holds
		{"x\U00010000", "x\uFFFD", -1},
		{"\U00010000", "\U0010FFFF", -1},
		{"\uE000", "\uFFFF", -1},
		{"", "a", -1},
	}
	for _, tt := range tests {
		if got := verify.CompareNames(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareNames(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestStatsMerge(t *testing.T) {
	var a, b, all verify.Stats
	for i, v := range []int64{5, -3, 999, -999, 0, 12} {
		all.Add(v)
		if i%2 == 0 {
			a.Add(v)
		} else {
			b.Add(v)
		}
	}
	var empty verify.Stats
	a.Merge(empty)
	a.Merge(b)
	if a != all {
		t.Errorf("merged %+v, want %+v", a, all)
	}
	empty.Merge(all)
	if empty != all {
		t.Errorf("empty.Merge(all) = %+v, want %+v", empty, all)
	}
}

func TestFormatEmpty(t *testing.T) {
	if got := string(verify.Format(nil)); got != "{}\n" {
		t.Errorf("Format(nil) = %q, want %q", got, "{}\n")
	}
}

// TestReportGolden checks the report for each kind of wrong answer against
// testdata/reports/<case>.report.
func TestReportGolden(t *testing.T) {
	want := "{a, b=1.0/2.0/3.0, a=b=-0.1/0.0/0.1, x=1.0/1.0/1.0, {y}=5.0/5.0/5.0}\n"
	tests := []struct {
		name, actual string
	}{
		{"identical", want},
		{"missing-newline", strings.TrimSuffix(want, "\n")},
		{"wrong-order", "{a=b=-0.1/0.0/0.1, a, b=1.0/2.0/3.0, x=1.0/1.0/1.0, {y}=5.0/5.0/5.0}\n"},
		{"wrong-values", "{a, b=1.0/2.1/3.0, a=b=-0.1/-0.0/0.1, x=1.0/1.0/1.0, {y}=5.0/5.0/-5.0}\n"},
		{"missing-and-extra", "{a, b=1.0/2.0/3.0, a=c=-0.1/0.0/0.1, {y}=5.0/5.0/5.0}\n"},
		{"duplicate", "{a, b=1.0/2.0/3.0, a, b=1.0/2.0/3.0, a=b=-0.1/0.0/0.1, x=1.0/1.0/1.0, {y}=5.0/5.0/5.0}\n"},
		{"number-format", "{a, b=1.0/2.0/3.0, a=b=-0.1/-0.0/0.1, x=1.0/1.0/1.0, {y}=5.0/5.0/5.0}\n"},
		{"garbage", "panic: runtime error\n"},
		{"truncated", "{a, b=1.0/2.0/3.0, a=b=-0.1/0.0/0.1, x=1.0/1."},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := verify.Compare([]byte(want), []byte(tt.actual))
			if err != nil {
				t.Fatal(err)
			}
			if r.Equal != (tt.actual == want) {
				t.Errorf("Equal = %v, want %v", r.Equal, tt.actual == want)
			}
			golden(t, filepath.Join("testdata", "reports", tt.name+".report"), r.String()+"\n")
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./verify -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s mismatch\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestParseOutputAmbiguous reads back names that look like separators, using
// the expected names to decide.
func TestParseOutputAmbiguous(t *testing.T) {
	stations := []verify.Station{
		{Name: "a=1.0/2.0/3.0, b"}, {Name: "a"}, {Name: "b"}, {Name: "{}"}, {Name: ", "},
	}
	for i := range stations {
		stations[i].Stats.Add(int64(10 * i))
	}
	out := verify.Format(stations)
	known := map[string]bool{}
	for _, s := range stations {
		known[s.Name] = true
	}
	got, err := verify.ParseOutput(out, func(n string) bool { return known[n] })
	if err != nil {
		t.Fatalf("ParseOutput(%q): %v", out, err)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
	}
	want := []string{", ", "a", "a=1.0/2.0/3.0, b", "b", "{}"}
	if !slices.Equal(names, want) {
		t.Errorf("ParseOutput(%q) names = %q, want %q", out, names, want)
	}
}

// javaLess is an independent model of String.compareTo: UTF-16 code units.
func javaLess(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	return slices.Compare(ua, ub)
}

// FuzzRoundTrip formats random stations, reads the answer back with the
// names known, and checks order, values, and the mean against big.Rat.
func FuzzRoundTrip(f *testing.F) {
	f.Add("a\x00b\x00c", int64(1), int64(-15), uint8(2))
	f.Add("😀\x00Ａ\x00a, b=1.0/2.0/3.0", int64(-999), int64(999), uint8(7))
	f.Add(".\x00-\x00=\x00{x}", int64(0), int64(-1), uint8(3))
	f.Fuzz(func(t *testing.T, namesJoined string, v1, v2 int64, reps uint8) {
		seen := map[string]bool{}
		var stations []verify.Station
		for i, n := range strings.Split(namesJoined, "\x00") {
			if n == "" || len(n) > verify.MaxNameLen || !utf8.ValidString(n) ||
				strings.ContainsAny(n, ";\n") || seen[n] {
				continue
			}
			seen[n] = true
			var s verify.Stats
			for k := 0; k <= int(reps)%16+i; k++ {
				v := (v1*int64(k+1) + v2*int64(i)) % 1000
				s.Add(v)
			}
			stations = append(stations, verify.Station{Name: n, Stats: s})
		}
		byName := map[string]verify.Stats{}
		for _, s := range stations {
			byName[s.Name] = s.Stats
		}
		out := verify.Format(slices.Clone(stations))
		got, err := verify.ParseOutput(out, func(n string) bool { return seen[n] })
		if err != nil {
			t.Fatalf("ParseOutput(%q): %v", out, err)
		}
		if len(got) != len(stations) {
			t.Fatalf("read %d entries from %q, want %d", len(got), out, len(stations))
		}
		for i, e := range got {
			s, ok := byName[e.Name]
			if !ok {
				t.Fatalf("read unknown name %q from %q", e.Name, out)
			}
			if i > 0 && javaLess(got[i-1].Name, e.Name) >= 0 {
				t.Errorf("%q printed before %q: not String.compareTo order", got[i-1].Name, e.Name)
			}
			// Exact mean: floor(sum/count + 1/2) computed with big.Rat.
			r := new(big.Rat).SetFrac64(s.Sum, s.Count)
			r.Add(r, big.NewRat(1, 2))
			fl := new(big.Int).Div(r.Num(), r.Denom()) // Euclidean: floor for positive denominators
			if e.Min != s.Min || e.Max != s.Max || e.Mean != fl.Int64() {
				t.Errorf("%q: read %d/%d/%d, want %d/%s/%d", e.Name, e.Min, e.Mean, e.Max, s.Min, fl, s.Max)
			}
		}
		for _, e := range got {
			if strings.Contains("/"+e.Text+"/", "/-0.0/") {
				t.Errorf("%q printed as %s: -0.0", e.Name, e.Text)
			}
		}
	})
}

func BenchmarkFormat10k(b *testing.B) {
	f, err := os.Open("testdata/stations-10000.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	stations, err := verify.Aggregate(f, "stations-10000.txt")
	if err != nil {
		b.Fatal(err)
	}
	work := make([]verify.Station, len(stations))
	b.ResetTimer()
	for b.Loop() {
		copy(work, stations)
		verify.Format(work)
	}
}

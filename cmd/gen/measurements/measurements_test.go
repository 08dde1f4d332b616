package measurements

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/onebrc/onebrc/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// generate returns the bytes and expected answer of a file.
func generate(t *testing.T, opts Options) ([]byte, []byte) {
	t.Helper()
	var b bytes.Buffer
	exp, err := Write(context.Background(), &b, opts)
	if err != nil {
		t.Fatalf("Write(%+v): %v", opts, err)
	}
	return b.Bytes(), exp
}

func TestSameOutputForAnyWorkers(t *testing.T) {
	const rows = 3*BlockRows + 1234 // four blocks, the last one short
	for _, set := range []string{Classic, TenK, Numbered} {
		t.Run(set, func(t *testing.T) {
			want, wantExp := generate(t, Options{Rows: rows, Stations: set, Seed: 7, Workers: 1})
			if n := bytes.Count(want, []byte("\n")); n != rows {
				t.Fatalf("%d lines, want %d", n, rows)
			}
			for _, w := range []int{2, 3, 8, 0} {
				got, gotExp := generate(t, Options{Rows: rows, Stations: set, Seed: 7, Workers: w})
				if !bytes.Equal(got, want) {
					t.Errorf("Workers %d: file differs from Workers 1", w)
				}
				if !bytes.Equal(gotExp, wantExp) {
					t.Errorf("Workers %d: expected answer differs from Workers 1", w)
				}
			}
			other, _ := generate(t, Options{Rows: rows, Stations: set, Seed: 8, Workers: 2})
			if bytes.Equal(other, want) {
				t.Errorf("seeds 7 and 8 give the same file")
			}
		})
	}
}

// TestBlocksArePrefixes checks that a file's first rows do not depend on
// Rows: a shorter file is a prefix of a longer one with the same seed.
func TestBlocksArePrefixes(t *testing.T) {
	long, _ := generate(t, Options{Rows: 2*BlockRows + 5, Stations: Classic, Seed: 3})
	short, _ := generate(t, Options{Rows: BlockRows + 17, Stations: Classic, Seed: 3})
	if !bytes.HasPrefix(long, short) {
		t.Errorf("a %d-row file is not a prefix of a %d-row file", BlockRows+17, 2*BlockRows+5)
	}
}

func TestOutMatchesReferenceAggregator(t *testing.T) {
	for _, tc := range []struct {
		set  string
		rows int64
	}{
		{Classic, 200_000},
		{TenK, 300_000},
		{Classic, 1},
		{TenK, 0},
	} {
		t.Run(fmt.Sprintf("%s-%d", tc.set, tc.rows), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.txt")
			if err := WriteFile(context.Background(), path, Options{Rows: tc.rows, Stations: tc.set, Seed: 1}, false); err != nil {
				t.Fatal(err)
			}
			want, err := verify.AggregateFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(filepath.Dir(path), "m.out"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				rep, err := verify.Compare(want, got)
				if err != nil {
					t.Fatal(err)
				}
				t.Fatalf("m.out differs from verify.AggregateFile:\n%s", rep)
			}
			if tc.rows == 0 && string(got) != "{}\n" {
				t.Errorf("empty file: answer %q, want %q", got, "{}\n")
			}
			matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp"))
			if len(matches) > 0 {
				t.Errorf("temporary files left behind: %v", matches)
			}
		})
	}
}

var lineRE = regexp.MustCompile(`^[^;\n]{1,100};-?[0-9]{1,2}\.[0-9]$`)

func TestEveryLineIsValid(t *testing.T) {
	for _, set := range []string{Classic, TenK} {
		t.Run(set, func(t *testing.T) {
			data, _ := generate(t, Options{Rows: 100_000, Stations: set, Seed: 5})
			if !bytes.HasSuffix(data, []byte("\n")) {
				t.Fatalf("file does not end in a newline")
			}
			sc := bufio.NewScanner(bytes.NewReader(data))
			for n := 1; sc.Scan(); n++ {
				line := sc.Text()
				name, value, _ := strings.Cut(line, ";")
				switch {
				case !lineRE.MatchString(line):
					t.Fatalf("line %d: %q does not match %v", n, line, lineRE)
				case len(name) > verify.MaxNameLen || !utf8.ValidString(name):
					t.Fatalf("line %d: bad name %q", n, name)
				case value == "-0.0":
					t.Fatalf("line %d: %q", n, line)
				}
			}
		})
	}
}

// refFill is the row loop written plainly from its parts, to check the
// optimized generator.fill byte for byte.
func refFill(g *generator, set []Station, b int64, rows int) []byte {
	rng := newRand(g.opts.Seed, tagBlock, uint64(b))
	samplers := map[int64]*sampler{}
	var out []byte
	for range rows {
		st := set[rng.intn(len(set))]
		mean := int64(math.Floor(float64(st.Mean) / 10))
		frac := int64(st.Mean) - 10*mean
		s := samplers[frac]
		if s == nil {
			s = newSampler(10*sigma(g.opts.Stations), float64(frac)/10)
			samplers[frac] = s
		}
		v := mean + s.sample(rng.next())
		v = min(max(v, verify.MinValue), verify.MaxValue)
		out = append(out, st.Name...)
		out = append(out, ';')
		out = verify.AppendTenths(out, v)
		out = append(out, '\n')
	}
	return out
}

func TestFillMatchesReference(t *testing.T) {
	for _, set := range []string{Classic, TenK} {
		t.Run(set, func(t *testing.T) {
			opts := Options{Rows: 1 << 20, Stations: set, Seed: 11}
			g, err := newGenerator(opts)
			if err != nil {
				t.Fatal(err)
			}
			stations, err := Stations(set, opts.Seed)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range []int64{0, 1, 12345} {
				const rows = 5000
				got := g.fill(make([]byte, 0, g.bufSize()), b, rows, g.newStats())
				want := refFill(g, stations, b, rows)
				if !bytes.Equal(got, want) {
					i := 0
					for i < min(len(got), len(want)) && got[i] == want[i] {
						i++
					}
					t.Fatalf("block %d differs from the reference at byte %d: got %q, want %q",
						b, i, got[max(0, i-20):min(len(got), i+20)], want[max(0, i-20):min(len(want), i+20)])
				}
			}
		})
	}
}

// TestValueDistribution checks the values of a generated file against
// N(mean, σ) rounded: pooled over stations, the deviations from the
// station means have mean 0 and variance σ² + 0.01/12 (the rounding).
func TestValueDistribution(t *testing.T) {
	for _, set := range []string{Classic, TenK} {
		t.Run(set, func(t *testing.T) {
			const rows = 500_000
			stations, err := Stations(set, 1)
			if err != nil {
				t.Fatal(err)
			}
			means := map[string]float64{}
			for _, s := range stations {
				means[s.Name] = float64(s.Mean) / 100
			}
			data, _ := generate(t, Options{Rows: rows, Stations: set, Seed: 1})
			var sum, sumSq float64
			for line := range bytes.Lines(data) {
				name, tenths, msg := verify.ParseLine(bytes.TrimSuffix(line, []byte("\n")))
				if msg != "" {
					t.Fatal(msg)
				}
				d := float64(tenths)/10 - means[string(name)]
				sum += d
				sumSq += d * d
			}
			sd := sigma(set)
			mean := sum / rows
			variance := sumSq/rows - mean*mean
			wantVar := sd*sd + 0.01/12
			if math.Abs(mean) > 5*sd/math.Sqrt(rows) {
				t.Errorf("mean deviation %.4f, want 0 ± %.4f", mean, 5*sd/math.Sqrt(rows))
			}
			// The variance of a sample variance is about 2σ⁴/n.
			if tol := 5 * wantVar * math.Sqrt(2.0/rows); math.Abs(variance-wantVar) > tol {
				t.Errorf("variance %.3f, want %.3f ± %.3f", variance, wantVar, tol)
			}
		})
	}
}

func TestSamplerTable(t *testing.T) {
	for _, tc := range []struct{ sigma, f float64 }{{100, 0}, {100, 0.7}, {70, 0}, {70, 0.3}, {70, 0.9}, {1, 0.5}} {
		s := newSampler(tc.sigma, tc.f)
		sum, mean, m2 := 0.0, 0.0, 0.0
		for i, p := range s.probs {
			k := float64(s.first + int64(i))
			sum += p
			mean += p * k
		}
		for i, p := range s.probs {
			d := float64(s.first+int64(i)) - mean
			m2 += p * d * d
		}
		// E[floor(σZ + f + 0.5)] = f, Var = σ² + 1/12 (Sheppard).
		if math.Abs(sum-1) > 1e-12 || math.Abs(mean-tc.f) > 1e-9 || math.Abs(m2-(tc.sigma*tc.sigma+1.0/12)) > 1e-6*tc.sigma*tc.sigma {
			t.Errorf("newSampler(%v, %v): sum %v, mean %v, variance %v; want 1, %v, %v",
				tc.sigma, tc.f, sum, mean, m2, tc.f, tc.sigma*tc.sigma+1.0/12)
		}
		for i, p := range s.implied() {
			// The float probabilities add up to 1 only within about
			// 1e-15; a wrong table is off by about 1/n.
			if math.Abs(p-s.probs[i]) > 1e-14 {
				t.Errorf("newSampler(%v, %v): entry %d (k=%d) has probability %g in the table, want %g",
					tc.sigma, tc.f, i, s.first+int64(i), p, s.probs[i])
				break
			}
		}
	}
}

// TestSamplerChiSquare draws from the table and compares the counts with
// the exact probabilities (cells with fewer than 20 expected draws merged
// into the tails).
func TestSamplerChiSquare(t *testing.T) {
	const draws = 1_000_000
	for _, tc := range []struct{ sigma, f float64 }{{100, 0.7}, {70, 0.2}} {
		s := newSampler(tc.sigma, tc.f)
		counts := make([]float64, s.n)
		rng := newRand(99, 1, 2)
		for range draws {
			counts[s.sample(rng.next())-s.first]++
		}
		var chi2 float64
		df := -1
		var obs, exp float64
		for i := range counts {
			obs += counts[i]
			exp += s.probs[i] * draws
			if exp >= 20 {
				chi2 += (obs - exp) * (obs - exp) / exp
				df++
				obs, exp = 0, 0
			}
		}
		// Mean df, sd sqrt(2 df): allow 5 sd.
		if limit := float64(df) + 5*math.Sqrt(2*float64(df)); chi2 > limit {
			t.Errorf("sampler(%v, %v): chi² = %.1f with %d degrees of freedom, want below %.1f", tc.sigma, tc.f, chi2, df, limit)
		}
	}
}

func TestClassicStations(t *testing.T) {
	set, err := Stations(Classic, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 413 {
		t.Fatalf("%d classic stations, want 413", len(set))
	}
	names := map[string]int{}
	for _, s := range set {
		names[s.Name] = s.Mean
	}
	if len(names) != 413 {
		t.Errorf("%d distinct names, want 413", len(names))
	}
	for name, mean := range map[string]int{"Abha": 1800, "Baghdad": 2277, "Zürich": 930, "Yellowknife": -430} {
		if got, ok := names[name]; !ok || got != mean {
			t.Errorf("station %q: mean %d hundredths (present %v), want %d", name, got, ok, mean)
		}
	}
}

// TestNumberedStations checks the numbered set: "00000" to "09999" in
// order, with the 10k set's means, the same for every seed.
func TestNumberedStations(t *testing.T) {
	set, err := Stations(Numbered, 1)
	if err != nil {
		t.Fatal(err)
	}
	tenK, _ := Stations(TenK, 1)
	if len(set) != 10_000 {
		t.Fatalf("%d numbered stations, want 10000", len(set))
	}
	for i, s := range set {
		if want := fmt.Sprintf("%05d", i); s.Name != want || s.Mean != tenK[i].Mean {
			t.Fatalf("station %d: %+v, want name %q and mean %d", i, s, want, tenK[i].Mean)
		}
	}
	if other, _ := Stations(Numbered, 2); !slices.Equal(set, other) {
		t.Errorf("Stations(numbered, 1) and Stations(numbered, 2) differ")
	}
}

func TestTenKStations(t *testing.T) {
	a1, err := Stations(TenK, 1)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := Stations(TenK, 1)
	if !slices.Equal(a1, a2) {
		t.Errorf("Stations(10k, 1) differs between calls")
	}
	b, _ := Stations(TenK, 2)
	if slices.Equal(a1, b) {
		t.Errorf("Stations(10k, 1) and Stations(10k, 2) are equal")
	}
	for _, seed := range []uint64{1, 2, 12345} {
		set, err := Stations(TenK, seed)
		if err != nil {
			t.Fatal(err)
		}
		if len(set) != 10_000 {
			t.Fatalf("seed %d: %d stations, want 10000", seed, len(set))
		}
		seen := map[string]bool{}
		over16, longest := 0, 0
		var runeLens []int
		for _, s := range set {
			n := s.Name
			switch {
			case seen[n]:
				t.Errorf("seed %d: duplicate name %q", seed, n)
			case len(n) < 1 || len(n) > 100:
				t.Errorf("seed %d: name %q of %d bytes", seed, n, len(n))
			case !utf8.ValidString(n) || strings.ContainsAny(n, ";\n"):
				t.Errorf("seed %d: bad name %q", seed, n)
			case unicode.IsSpace([]rune(n)[0]) || unicode.IsSpace([]rune(n)[utf8.RuneCountInString(n)-1]):
				t.Errorf("seed %d: name %q starts or ends with a space", seed, n)
			case s.Mean < -1000 || s.Mean > 2000:
				t.Errorf("seed %d: station %q mean %d hundredths, outside [-10, 20] degrees", seed, n, s.Mean)
			}
			seen[n] = true
			if len(n) > 16 {
				over16++
			}
			longest = max(longest, len(n))
			runeLens = append(runeLens, utf8.RuneCountInString(n))
		}
		slices.Sort(runeLens)
		if med := runeLens[len(runeLens)/2]; med != 4 {
			t.Errorf("seed %d: median name length %d characters, want 4", seed, med)
		}
		if over16 < 1000 {
			t.Errorf("seed %d: %d names over 16 bytes, want at least 1000", seed, over16)
		}
		if longest < 90 {
			t.Errorf("seed %d: longest name %d bytes, want a tail up to about 100", seed, longest)
		}
		t.Logf("seed %d: %d names over 16 bytes, longest %d bytes", seed, over16, longest)
	}
}

func TestParseRows(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"1000000000", 1_000_000_000, false},
		{"1e9", 1_000_000_000, false},
		{"1E9", 1_000_000_000, false},
		{"1e+9", 1_000_000_000, false},
		{"1B", 1_000_000_000, false},
		{"1b", 1_000_000_000, false},
		{"1G", 1_000_000_000, false},
		{"10M", 10_000_000, false},
		{"10m", 10_000_000, false},
		{"250k", 250_000, false},
		{"250K", 250_000, false},
		{"1_000_000", 1_000_000, false},
		{"2.5M", 2_500_000, false},
		{"1.5e3", 1500, false},
		{"0", 0, false},
		{"7", 7, false},
		{"9223372036854775807", math.MaxInt64, false},
		{"", 0, true},
		{"-5", 0, true},
		{"1.5", 0, true},
		{"1e-3", 0, true},
		{"0.0001k", 0, true},
		{"ten", 0, true},
		{"10 M", 0, true},
		{"1__000", 0, true},
		{"_1000", 0, true},
		{"1000_", 0, true},
		{"1MB", 0, true},
		{"1T", 0, true},
		{"0x10", 0, true},
		{"1/2", 0, true},
		{"9223372036854775808", 0, true},
		{"1e19", 0, true},
		{"1e99B", 0, true},
		{"1e100", 0, true},
	} {
		got, err := ParseRows(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseRows(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestOutPath(t *testing.T) {
	for in, want := range map[string]string{
		"data/measurements.txt":   "data/measurements.out",
		"m.txt":                   "m.out",
		"data/m":                  "data/m.out",
		"data/m.csv":              "data/m.csv.out",
		"data/m.txt.txt":          "data/m.txt.out",
		"/tmp/x/measurements.TXT": "/tmp/x/measurements.TXT.out",
	} {
		if got := OutPath(in); got != want {
			t.Errorf("OutPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteFileRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.txt")
	if err := os.WriteFile(path, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{Rows: 1000, Stations: Classic, Seed: 1}
	err := WriteFile(context.Background(), path, opts, false)
	var ee *ExistsError
	if !errors.As(err, &ee) || ee.Path != path || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("WriteFile over an existing file: %v, want an *ExistsError for %s", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me\n" {
		t.Errorf("existing file changed to %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "m.out")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("m.out written although WriteFile refused: %v", err)
	}

	if err := WriteFile(context.Background(), path, opts, true); err != nil {
		t.Fatalf("WriteFile with force: %v", err)
	}
	want, _ := generate(t, opts)
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Errorf("forced WriteFile did not write the generated file")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"m.out", "m.txt"}) {
		t.Errorf("directory holds %v, want [m.out m.txt]", names)
	}
}

func TestWriteFileCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "m")
	if err := WriteFile(context.Background(), path, Options{Rows: 10, Stations: TenK, Seed: 1}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".out"); err != nil {
		t.Errorf("answer not written beside a path without .txt: %v", err)
	}
}

func TestWriteFileCanceled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.txt")
	if err := os.WriteFile(filepath.Join(dir, "m.out"), []byte("old answer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	blocks := 0
	err := WriteFileProgress(ctx, path, Options{Rows: 20 * BlockRows, Stations: Classic, Seed: 1, Workers: 2}, false,
		func(p Progress) {
			blocks++
			if blocks == 3 {
				cancel()
			}
		})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteFile after cancel: %v, want context.Canceled", err)
	}
	if blocks != 3 {
		t.Errorf("%d blocks written after cancel at 3", blocks)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "m.out" {
		t.Errorf("after cancel the directory holds %v, want only the old m.out", entries)
	}
}

func TestWriteFileNotEnoughSpace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.txt")
	err := WriteFile(context.Background(), path, Options{Rows: 1e18, Stations: Classic, Seed: 1}, false)
	var de *DiskSpaceError
	if !errors.As(err, &de) || de.Path != path || de.Need < 1e18 {
		t.Fatalf("WriteFile of 10^18 rows: %v, want a *DiskSpaceError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "not enough disk space for "+path) || !strings.Contains(msg, "EB") {
		t.Errorf("message %q does not name the file and the size", msg)
	}
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temporary file created before the space check: %v", err)
	}
}

type failWriter struct{ left int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.left < len(p) {
		return 0, errors.New("disk on fire")
	}
	w.left -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	_, err := Write(context.Background(), &failWriter{left: 3 << 20}, Options{Rows: 40 * BlockRows, Stations: Classic, Seed: 1})
	if err == nil || err.Error() != "disk on fire" {
		t.Errorf("Write to a failing writer: %v, want disk on fire", err)
	}
}

func TestBadOptions(t *testing.T) {
	for _, opts := range []Options{
		{Rows: -1, Stations: Classic},
		{Rows: 1, Stations: "1k"},
		{Rows: 1, Stations: ""},
		{Rows: 1, Stations: Classic, Workers: -1},
	} {
		if _, err := Write(context.Background(), io.Discard, opts); err == nil {
			t.Errorf("Write(%+v) succeeded", opts)
		}
	}
}

func TestEstimateBytes(t *testing.T) {
	for _, set := range []string{Classic, TenK} {
		opts := Options{Rows: 400_000, Stations: set, Seed: 1}
		data, _ := generate(t, opts)
		est, err := EstimateBytes(opts)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(float64(est)/float64(len(data)) - 1); d > 0.01 {
			t.Errorf("%s: EstimateBytes = %d, file has %d bytes", set, est, len(data))
		}
	}
	if est, _ := EstimateBytes(Options{Rows: 1e9, Stations: Classic}); est < 13.5e9 || est > 14.1e9 {
		t.Errorf("1e9 classic rows: EstimateBytes = %d, want about 13.8 GB", est)
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.00 kB", 13_795_000_000: "13.8 GB", 123_456_789: "123 MB", 1e18: "1.00 EB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestGolden pins the stream: the head of small files for fixed seeds and
// the whole expected answer of the classic one. Run go test -update after
// an intended change of the stream, and say so in the commit.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		set  string
		file string
	}{
		{Classic, "classic-1000-seed1"},
		{TenK, "10k-1000-seed1"},
	} {
		data, exp := generate(t, Options{Rows: 1000, Stations: tc.set, Seed: 1})
		lines := bytes.SplitAfterN(data, []byte("\n"), 51)
		head := bytes.Join(lines[:50], nil)
		golden(t, filepath.Join("testdata", tc.file+".head50.txt"), head)
		golden(t, filepath.Join("testdata", tc.file+".out"), exp)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: generated output differs from the golden file; if the stream changed on purpose, run go test -update", path)
	}
}

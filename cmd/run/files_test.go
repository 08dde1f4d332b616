package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
	"golang.org/x/perf/benchfmt"
)

func TestFilesFlags(t *testing.T) {
	tests := []struct {
		args []string
		want func(o *filesOptions)
		err  string
	}{
		{args: []string{"a.txt", "b.txt"}, want: func(o *filesOptions) {}},
		{args: []string{"--solutions", "2[45]-*", "--solutions-dir", "s", "--own-modules", "--runs", "3", "-w", "0", "--timeout", "1m",
			"--out", "o", "--fresh-cache=false", "--no-hold", "a.txt", "b.txt", "c.txt"},
			want: func(o *filesOptions) {
				o.Solutions, o.SolutionsDir, o.OwnModules, o.Runs, o.Warmup, o.Timeout, o.Out, o.FreshCache, o.NoHold =
					"2[45]-*", "s", true, 3, 0, time.Minute, "o", false, true
				o.Files = []string{"a.txt", "b.txt", "c.txt"}
			}},
		{args: []string{"-r", "1", "b.txt", "a.txt"}, want: func(o *filesOptions) { o.Runs, o.Files = 1, []string{"b.txt", "a.txt"} }},
		{args: []string{"--one-at-a-time", "--fresh-cache", "a.txt", "b.txt"}, want: func(o *filesOptions) { o.OneAtATime, o.FreshCache = true, true }},
		{args: []string{"--one-at-a-time", "--fresh-cache=false", "a.txt", "b.txt"}, err: "--one-at-a-time drops the files from the page cache and reads them back: it needs --fresh-cache"},
		{args: []string{}, err: "files needs at least two measurements FILEs to compare, got 0"},
		{args: []string{"a.txt"}, err: "files needs at least two measurements FILEs to compare, got 1"},
		{args: []string{"--runs", "0", "a.txt", "b.txt"}, err: "--runs must be at least 1, got 0"},
		{args: []string{"--warmup", "-1", "a.txt", "b.txt"}, err: "--warmup must be at least 0, got -1"},
		{args: []string{"--timeout", "-1s", "a.txt", "b.txt"}, err: "--timeout must not be negative, got -1s"},
		{args: []string{"--out", "", "a.txt", "b.txt"}, err: "--out must name a directory"},
		{args: []string{"--runs", "many", "a.txt", "b.txt"}, err: `invalid argument "many" for "-r, --runs" flag: strconv.ParseInt: parsing "many": invalid syntax`},
		{args: []string{"--max-time", "1m", "a.txt", "b.txt"}, err: "unknown flag: --max-time"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _ := testIO()
			var got *filesOptions
			cmd := newCmdFiles(io, "go run ./cmd/run files", func(o *filesOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err} })
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			_, err := cmd.ExecuteC()
			if tt.err != "" {
				var fe *flagError
				if err == nil || err.Error() != tt.err || !errors.As(err, &fe) {
					t.Fatalf("error %v, want flag error %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := &filesOptions{
				Files: []string{"a.txt", "b.txt"}, SolutionsDir: "solutions", OwnModules: ownModulesDefault(), Runs: 8, Warmup: 1,
				Timeout: 20 * time.Minute, Out: "results/files", FreshCache: freshCacheDefault(),
			}
			tt.want(want)
			got.IO, got.Runner, got.Build, got.Hold, got.Now, got.Machine, got.Available, got.Drop, got.Command = nil, nil, nil, nil, nil, nil, nil, nil, ""
			if !reflect.DeepEqual(got, want) {
				t.Errorf("options\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// filesFakeRunner answers each data file with its .out. A run's wall time
// is the solution's (01-naive 10 ms, 02-par 6 ms) times the file's (the
// 10k file 1.8×) times the machine's speed at that call of the pair: 1.5×
// slower at its third call (round 2). 03-wrong answers wrongly on the 10k
// file in round 2. Calls are recorded as "FILE SOLUTION".
type filesFakeRunner struct {
	calls  []string
	counts map[string]int
}

func (f *filesFakeRunner) Run(_ context.Context, c harness.Command) (harness.Measurement, error) {
	answer, err := os.ReadFile(harness.ExpectedPath(c.Args[0]))
	if err != nil {
		return harness.Measurement{}, err
	}
	file, sol := filepath.Base(c.Args[0]), filepath.Base(c.Path)
	f.calls = append(f.calls, file+" "+sol)
	if f.counts == nil {
		f.counts = map[string]int{}
	}
	n := f.counts[file+" "+sol]
	f.counts[file+" "+sol]++
	wall := 10.0
	if sol == "02-par" {
		wall = 6
	}
	if strings.Contains(file, "10k") {
		wall *= 1.8
		if sol == "03-wrong" && n == 2 {
			answer = []byte("{}\n")
		}
	}
	if n == 2 {
		wall *= 1.5
	}
	w := time.Duration(wall * float64(time.Millisecond))
	return harness.Measurement{Wall: w, User: w * 2, Sys: w / 20, PeakRSS: 20 << 20, PeakAnon: 5 << 20, Processes: 1, Stdout: answer}, nil
}

// writeFilesData writes the two data files of the fake run (1000 rows,
// classic and 10k names) with their .out, and returns their paths.
func writeFilesData(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	for _, set := range []string{"classic", "10k"} {
		p := filepath.Join(dir, "data", "m1k-"+set+".txt")
		if err := measurements.WriteFile(context.Background(), p, measurements.Options{Rows: 1000, Stations: set, Seed: 1}, false); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// fakeFilesOptions are the options of a run on the fake runner, with
// everything else injected too.
func fakeFilesOptions(t *testing.T, dir string, runner harness.Runner, built *[]string) (*filesOptions, []string, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	for _, s := range []string{"01-naive", "02-par", "03-wrong"} {
		mustWrite(t, filepath.Join(dir, "solutions", s, "main.go"), "package main\n\nfunc main() {}\n")
	}
	files := writeFilesData(t, dir)
	io, stdout, stderr := testIO()
	return &filesOptions{
		IO: io, Files: files, SolutionsDir: filepath.Join(dir, "solutions"), Runs: 3, Warmup: 1, Timeout: time.Minute,
		Out: filepath.Join(dir, "results", "files"), FreshCache: false, // the stderr golden stays the same off Linux
		Command: "go run ./cmd/run files --runs 3 data/m1k-classic.txt data/m1k-10k.txt",
		Runner:  func() (harness.Runner, error) { return runner, nil },
		Build: func() (func(context.Context, harness.Solution) (string, error), func(), error) {
			return func(_ context.Context, s harness.Solution) (string, error) {
				*built = append(*built, s.Name)
				return "/bin/" + s.Name, nil
			}, func() {}, nil
		},
		Now: func() time.Time { return time.Date(2026, 12, 6, 5, 30, 0, 0, time.UTC) },
		Machine: func(context.Context) []harness.Config {
			return []harness.Config{{Key: "goos", Value: "linux"}, {Key: "goarch", Value: "amd64"}, {Key: "cores", Value: "2"}, {Key: "go", Value: "go1.26.8"}, {Key: "commit", Value: "abc1234"}, {Key: "host", Value: "box"}}
		},
		Available: func() (int64, error) { return 8 << 30, nil },
	}, files, stdout, stderr
}

// A run with injected runner, build, holder, clock, machine and memory:
// the exact order of the runs, the holders, and the exact stderr, stdout,
// raw file and report.
func TestFilesRunFake(t *testing.T) {
	dir := t.TempDir()
	runner := &filesFakeRunner{}
	var built, held []string
	opts, _, stdout, stderr := fakeFilesOptions(t, dir, runner, &built)
	opts.Hold = func(_ context.Context, file string) (func() error, float64, error) {
		held = append(held, filepath.Base(file))
		// The first file's share of 2 MiB pages is recorded; the second
		// one's is unknown, and not recorded.
		large := -1.0
		if len(held) == 1 {
			large = 0.964
		}
		return func() error { held = append(held, "stopped "+filepath.Base(file)); return nil }, large, nil
	}
	err := filesRun(context.Background(), opts)
	if !errors.Is(err, errSilent) {
		t.Errorf("filesRun = %v, want errSilent (exit 1) for 03-wrong", err)
	}
	if want := []string{"m1k-classic.txt", "m1k-10k.txt", "stopped m1k-10k.txt", "stopped m1k-classic.txt"}; !slices.Equal(held, want) {
		t.Errorf("holders %q, want %q: every file held until the end", held, want)
	}
	if want := []string{"01-naive", "02-par", "03-wrong"}; !slices.Equal(built, want) {
		t.Errorf("built %q, want %q: each once", built, want)
	}
	c := func(sols ...string) []string {
		var l []string
		for _, s := range sols {
			f, n, _ := strings.Cut(s, " ")
			l = append(l, map[string]string{"c": "m1k-classic.txt", "k": "m1k-10k.txt"}[f]+" "+n)
		}
		return l
	}
	want := slices.Concat(
		c("c 01-naive", "c 02-par", "c 03-wrong", "k 01-naive", "k 02-par", "k 03-wrong"), // warm-ups
		c("c 01-naive", "c 02-par", "c 03-wrong", "k 01-naive", "k 02-par", "k 03-wrong"), // round 1
		c("k 03-wrong", "k 02-par", "k 01-naive", "c 02-par", "c 01-naive"),               // round 2, reversed: 03-wrong fails first
		c("c 01-naive", "c 02-par", "k 01-naive", "k 02-par"),                             // round 3
	)
	if !slices.Equal(runner.calls, want) {
		t.Errorf("runs\n got %q\nwant %q", runner.calls, want)
	}
	clean := func(s string) string { return strings.ReplaceAll(s, dir, "$TMP") }
	golden(t, "files-fake.stderr", clean(stderr.String()))
	golden(t, "files-fake.stdout", clean(stdout.String()))
	raw, err := os.ReadFile(filepath.Join(opts.Out, "files-2026-12-06T053000Z-box.txt"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "files-fake.raw", clean(string(raw)))
	md, err := os.ReadFile(filepath.Join(opts.Out, "files.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "files-fake.md", clean(string(md)))
	// 01-naive: 18 ms against 10 ms in rounds 1 and 3, 27 against 15 in
	// round 2: 1.80× in every round.
	if !strings.Contains(stdout.String(), "1.80× (1.80–1.80) wall, 1.80× (1.80–1.80) user, slower in 3 of 3 rounds, fastest/fastest 1.80×") {
		t.Errorf("stdout lacks 01-naive's ratio:\n%s", stdout)
	}
}

// Files that do not fit in memory together, with --fresh-cache, are taken
// one at a time: before each file's runs every file is dropped and that one
// read back and held, once for the warm-ups and then once a round; the
// raw file and the report say so. With --fresh-cache=false they are
// refused (TestFilesRefused); so are files of which even the largest does
// not fit.
func TestFilesOneAtATime(t *testing.T) {
	dir := t.TempDir()
	runner := &filesFakeRunner{}
	var built []string
	opts, files, stdout, stderr := fakeFilesOptions(t, dir, runner, &built)
	var total, largest int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		total += st.Size()
		largest = max(largest, st.Size())
	}
	opts.FreshCache = true
	opts.Solutions = "0[12]-*"
	opts.Available = func() (int64, error) { return total - 1, nil }
	opts.Drop = func(path string) error {
		runner.calls = append(runner.calls, "drop "+filepath.Base(path))
		return nil
	}
	shares := []float64{0.99, 0.98, 0.61, 0.97, 0.99, 0.98} // per visit: c, k, c, k, c, k
	opts.Hold = func(_ context.Context, file string) (func() error, float64, error) {
		name := filepath.Base(file)
		runner.calls = append(runner.calls, "hold "+name)
		large := shares[0]
		shares = shares[1:]
		return func() error { runner.calls = append(runner.calls, "stop "+name); return nil }, large, nil
	}
	if err := filesRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	c, k := "m1k-classic.txt", "m1k-10k.txt"
	in := func(f string, sols ...string) []string {
		l := []string{"drop " + c, "drop " + k, "hold " + f}
		for _, s := range sols {
			l = append(l, f+" "+s)
		}
		return append(l, "stop "+f)
	}
	want := slices.Concat(
		in(c, "01-naive", "02-par"), in(k, "01-naive", "02-par"), // warm-ups
		in(c, "01-naive", "02-par"), []string{"drop " + c, "drop " + k, "hold " + k, k + " 01-naive", k + " 02-par"}, // round 1
		[]string{k + " 02-par", k + " 01-naive", "stop " + k}, in(c, "02-par", "01-naive", "01-naive", "02-par"), // rounds 2 and 3
		in(k, "01-naive", "02-par"),
	)
	if !slices.Equal(runner.calls, want) {
		t.Errorf("calls\n got %q\nwant %q", runner.calls, want)
	}
	if len(shares) != 0 {
		t.Errorf("%d holders fewer than planned", len(shares))
	}
	clean := func(s string) string { return strings.ReplaceAll(s, dir, "$TMP") }
	golden(t, "files-one.stderr", clean(stderr.String()))
	golden(t, "files-one.stdout", clean(stdout.String()))
	raw, err := os.ReadFile(filepath.Join(opts.Out, "files-2026-12-06T053000Z-box.txt"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "files-one.raw", clean(string(raw)))
	for _, line := range []string{"schedule: rounds, one file at a time\n", "page-cache: fresh, held\n", "# onebrc file=$TMP/data/m1k-classic.txt large-pages: 61.0%\n"} {
		if !strings.Contains(clean(string(raw)), line) {
			t.Errorf("raw file lacks %q", line)
		}
	}
	md, err := os.ReadFile(filepath.Join(opts.Out, "files.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "files-one.md", clean(string(md)))

	// Even the largest file does not fit: refused, nothing built.
	runner.calls, built = nil, nil
	opts.Available = func() (int64, error) { return largest - 1, nil }
	opts.Out = filepath.Join(dir, "refused")
	if err := filesRun(context.Background(), opts); !errors.Is(err, harness.ErrFilesTooLarge) || len(built) != 0 || len(runner.calls) != 0 {
		t.Errorf("filesRun with room for no file = %v, built %q, calls %q; want ErrFilesTooLarge and nothing done", err, built, runner.calls)
	}
	// Asked for, one at a time even where the files fit together.
	runner.calls = nil
	opts.Available = func() (int64, error) { return 8 << 30, nil }
	opts.OneAtATime = true
	opts.Out = filepath.Join(dir, "asked")
	shares = []float64{-1, -1, -1, -1, -1, -1}
	if err := filesRun(context.Background(), opts); err != nil || !slices.Equal(runner.calls, want) {
		t.Errorf("filesRun --one-at-a-time = %v, calls\n got %q\nwant %q", err, runner.calls, want)
	}
}

// The files are refused before anything is built when they do not fit
// in the memory available; a file without its .out, and a file given
// twice, are refused too.
func TestFilesRefused(t *testing.T) {
	dir := t.TempDir()
	runner := &filesFakeRunner{}
	var built []string
	opts, files, stdout, _ := fakeFilesOptions(t, dir, runner, &built)
	var total int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		total += st.Size()
	}
	opts.Available = func() (int64, error) { return total - 1, nil }
	opts.Hold = func(context.Context, string) (func() error, float64, error) {
		t.Error("a file was held")
		return func() error { return nil }, -1, nil
	}
	err := filesRun(context.Background(), opts)
	if !errors.Is(err, harness.ErrFilesTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("they take %s, and %s is available", harness.FormatBytes(float64(total)), harness.FormatBytes(float64(total-1)))) {
		t.Errorf("filesRun with too little memory = %v", err)
	}
	if len(built) != 0 || len(runner.calls) != 0 || stdout.Len() != 0 {
		t.Errorf("refused, yet built %q and ran %q", built, runner.calls)
	}
	if _, err := os.Stat(opts.Out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused, yet wrote %s (%v)", opts.Out, err)
	}

	// Through runMain: exit status 1 for a file without its answer, 2 for
	// too few files; nothing built.
	sols, err := filepath.Abs("../../harness/testdata/solutions")
	if err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(dir, "bare.txt")
	mustWrite(t, bare, "Hamburg;12.0\n")
	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"files", "--solutions-dir", sols, files[0], bare}, exitFailed,
			"run: harness: " + bare + " has no expected answer beside it (cmd/gen writes one with the data): stat " + filepath.Join(dir, "bare.out") + ": no such file or directory\n"},
		{[]string{"files", "--solutions-dir", sols, files[0], files[0]}, exitFailed, "run: harness: " + files[0] + " and " + files[0] + " are the same file\n"},
		{[]string{"files", files[0]}, exitUsage, "run: files needs at least two measurements FILEs to compare, got 1\nSee 'run --help'.\n"},
	} {
		io, _, errOut := testIO()
		if code := runMain(context.Background(), io, tt.args); code != tt.code || errOut.String() != tt.stderr {
			t.Errorf("run %q: exit %d, stderr %q; want %d, %q", tt.args, code, errOut.String(), tt.code, tt.stderr)
		}
	}
}

// The real thing on tiny programs (see TestBenchAndVerifyReal): the
// reference solution passes on both files, the wrong one fails its first
// warm-up and never runs again; the raw file, read as benchstat reads it,
// has each file's runs under its own file key.
func TestFilesReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	sols, err := filepath.Abs("../../harness/testdata/solutions")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := writeFilesData(t, dir)
	out := filepath.Join(dir, "results")
	io, stdout, stderr := testIO()
	args := []string{"files", "--solutions-dir", sols, "--solutions", "0[12]-*", "--runs", "2", "--no-hold", "--out", out, files[0], files[1]}
	if runtime.GOOS != "linux" {
		args = append(args, "--fresh-cache=false")
	}
	if code := runMain(context.Background(), io, args); code != exitFailed {
		t.Errorf("exit %d, want %d: 02-wrong fails\nstderr:\n%s", code, exitFailed, stderr)
	}
	raws, _ := filepath.Glob(filepath.Join(out, "files-*.txt"))
	if len(raws) != 1 {
		t.Fatalf("raw files %q, want one", raws)
	}
	b, err := os.ReadFile(raws[0])
	if err != nil {
		t.Fatal(err)
	}
	r := benchfmt.NewReader(bytes.NewReader(b), raws[0])
	perFile := map[string]int{}
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			t.Fatalf("benchfmt: %v", r.Result())
		}
		if string(res.Name) != "OneBRC/solution=01-reference" {
			t.Errorf("a result line for %s", res.Name)
		}
		perFile[res.GetConfig("file")]++
	}
	if want := map[string]int{files[0]: 2, files[1]: 2}; !reflect.DeepEqual(perFile, want) {
		t.Errorf("result lines per file %v, want %v", perFile, want)
	}
	if !strings.Contains(string(b), "# onebrc file="+files[0]+" solution=02-wrong failed: warm-up run 1: wrong output") {
		t.Errorf("raw file lacks 02-wrong's failure:\n%s", b)
	}
	for _, want := range []string{"Summary (against " + files[0], "✗ 02-wrong failed on " + files[0] + ": warm-up run 1: wrong output", "slower in "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "files.md")); err != nil {
		t.Error(err)
	}
}

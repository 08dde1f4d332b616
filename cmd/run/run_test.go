package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onebrc/onebrc/harness"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name; on a mismatch it writes
// testdata/name.got-stdout (git-ignored) so accepting it is a mv, or
// go test -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if string(want) != got {
		os.WriteFile(path+".got-stdout", []byte(got), 0o644)
		t.Errorf("%s differs from its golden file; see %s.got-stdout (go test -update accepts it)", path, path)
	}
}

func testIO() (*ioStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &ioStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, &out, &errOut
}

func TestBenchFlags(t *testing.T) {
	tests := []struct {
		args []string
		want func(o *benchOptions)
		err  string
	}{
		{args: nil, want: func(o *benchOptions) {}},
		{args: []string{"--file", "data/x.txt", "--runs", "5", "-w", "2", "--solutions", "0[5-9]-*", "--timeout", "1m", "--max-time", "20s", "--out", "/tmp/r", "--profile", "--no-floor", "--own-modules", "--fresh-cache", "--no-hold"},
			want: func(o *benchOptions) {
				o.File, o.Runs, o.Warmup, o.Solutions, o.Timeout, o.MaxTime, o.Out, o.Profile, o.NoFloor, o.OwnModules, o.FreshCache, o.NoHold =
					"data/x.txt", 5, 2, "0[5-9]-*", time.Minute, 20*time.Second, "/tmp/r", true, true, true, true, true
			}},
		{args: []string{"--fresh-cache=false"}, want: func(o *benchOptions) { o.FreshCache = false }},
		{args: []string{"--interleave=false"}, want: func(o *benchOptions) { o.Interleave = false }},
		{args: []string{"--runs", "-1"}, err: "--runs must be at least 1 (or 0 for automatic), got -1"},
		{args: []string{"--warmup", "-2"}, err: "--warmup must be at least 0 (or -1 for automatic), got -2"},
		{args: []string{"--max-time", "0s"}, err: "--max-time must be positive, got 0s"},
		{args: []string{"--timeout", "-1s"}, err: "--timeout must not be negative, got -1s"},
		{args: []string{"--file", ""}, err: "--file must name a measurements file"},
		{args: []string{"--out", ""}, err: "--out must name a directory"},
		{args: []string{"--runs", "many"}, err: `invalid argument "many" for "-r, --runs" flag: strconv.ParseInt: parsing "many": invalid syntax`},
		{args: []string{"--max-time", "60"}, err: `invalid argument "60" for "--max-time" flag: time: missing unit in duration "60"`},
		{args: []string{"data/x.txt"}, err: `bench takes no arguments, got ["data/x.txt"]`},
		{args: []string{"--bogus"}, err: "unknown flag: --bogus"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _ := testIO()
			var got *benchOptions
			cmd := newCmdBench(io, "go run ./cmd/run bench", func(o *benchOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			cmd.SilenceErrors = true
			cmd.SilenceUsage = true
			_, err := cmd.ExecuteC()
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := &benchOptions{File: "data/measurements.txt", Warmup: -1, Timeout: 20 * time.Minute, MaxTime: time.Minute, Out: "results", SolutionsDir: "solutions", OwnModules: ownModulesDefault(), FreshCache: freshCacheDefault(), Interleave: true}
			tt.want(want)
			got.IO, got.Runner, got.Build, got.Floor, got.Hold, got.Now, got.Machine, got.Drop, got.Command = nil, nil, nil, nil, nil, nil, nil, nil, ""
			if !reflect.DeepEqual(got, want) {
				t.Errorf("options\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestOtherFlags(t *testing.T) {
	io, _, _ := testIO()
	var verify *verifyOptions
	var lb *leaderboardOptions
	var cmp *compareOptions
	var nw *newOptions
	tests := []struct {
		name  string
		args  []string
		err   string
		check func() string
	}{
		{name: "verify files", args: []string{"--solutions", "0*", "a.txt", "b.txt"}, check: func() string {
			return fmt.Sprint(verify.Files, " ", verify.Solutions, " ", verify.Timeout)
		}},
		{name: "verify no file", args: nil, err: "verify needs at least one measurements FILE"},
		{name: "leaderboard raw", args: []string{"results/x.txt"}, check: func() string { return lb.Raw + " " + lb.Out }},
		{name: "leaderboard newest", args: []string{"--out", "elsewhere"}, check: func() string { return "[" + lb.Raw + "] " + lb.Out }},
		{name: "leaderboard two", args: []string{"a", "b"}, err: "leaderboard takes at most one RAW file, got 2"},
		{name: "compare", args: []string{"old.txt", "new.txt", "--", "-filter", ".unit:sec/op"}, check: func() string {
			return fmt.Sprint(cmp.Old, " ", cmp.New, " ", cmp.Extra)
		}},
		{name: "compare one", args: []string{"old.txt"}, err: "compare needs exactly two raw files, OLD and NEW, got 1"},
		{name: "new", args: []string{"12-simd", "--from", "09-mmap"}, check: func() string { return nw.Name + " " + nw.From }},
		{name: "new none", args: nil, err: "new needs exactly one NAME, like 12-simd-scan"},
	}
	want := map[string]string{
		"verify files":       "[a.txt b.txt] 0* 20m0s",
		"leaderboard raw":    "results/x.txt results",
		"leaderboard newest": "[] elsewhere",
		"compare":            "old.txt new.txt [-filter .unit:sec/op]",
		"new":                "12-simd 09-mmap",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCmdVerify(io, func(o *verifyOptions) error { verify = o; return nil })
			switch {
			case strings.HasPrefix(tt.name, "leaderboard"):
				c = newCmdLeaderboard(io, func(o *leaderboardOptions) error { lb = o; return nil })
			case strings.HasPrefix(tt.name, "compare"):
				c = newCmdCompare(io, func(o *compareOptions) error { cmp = o; return nil })
			case strings.HasPrefix(tt.name, "new"):
				c = newCmdNew(io, func(o *newOptions) error { nw = o; return nil })
			}
			c.SetArgs(tt.args)
			c.SilenceErrors, c.SilenceUsage = true, true
			_, err := c.ExecuteC()
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
			if got := tt.check(); got != want[tt.name] {
				t.Errorf("got %q, want %q", got, want[tt.name])
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"nonsense"}, exitUsage, "run: unknown command \"nonsense\" for \"run\"\nSee 'run --help'.\n"},
		{[]string{"bench", "--runs", "-3"}, exitUsage, "run: --runs must be at least 1 (or 0 for automatic), got -3\nSee 'run --help'.\n"},
		{[]string{"list", "extra"}, exitUsage, "run: run list takes no arguments, got [\"extra\"]\nSee 'run --help'.\n"},
		{[]string{"leaderboard", "--out", dir}, exitFailed, "run: harness: " + dir + ": no raw results file\n"},
		{[]string{"new", "12-x", "--solutions-dir", filepath.Join(dir, "none")}, exitFailed, "run: harness: discover: open " + filepath.Join(dir, "none") + ": no such file or directory\n"},
	}
	for _, tt := range tests {
		io, _, errOut := testIO()
		if code := runMain(context.Background(), io, tt.args); code != tt.code || errOut.String() != tt.stderr {
			t.Errorf("run %q: exit %d, stderr %q; want %d, %q", tt.args, code, errOut.String(), tt.code, tt.stderr)
		}
	}
}

func TestCompareRunsBenchstat(t *testing.T) {
	io, _, _ := testIO()
	var got []string
	opts := &compareOptions{IO: io, Old: "a.txt", New: "b.txt", Extra: []string{"-col", ".file"},
		Exec: func(_ context.Context, _ *ioStreams, name string, args ...string) error {
			got = append([]string{name}, args...)
			return nil
		}}
	if err := compareRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := []string{"go", "tool", "benchstat", "-ignore", "commit,command,schedule", "-col", ".file", "a.txt", "b.txt"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ran %q, want %q", got, want)
	}
}

// fakeRunner answers for /bin/<name> binaries: "wrong" solutions print a
// wrong answer, every other one the expected answer, each run 1.5 s
// ("floor" 0.5 s).
type fakeRunner struct {
	answer []byte
	calls  int
}

func (f *fakeRunner) Run(ctx context.Context, c harness.Command) (harness.Measurement, error) {
	f.calls++
	name := filepath.Base(c.Path)
	m := harness.Measurement{Wall: 1500 * time.Millisecond, User: 2900 * time.Millisecond, Sys: 100 * time.Millisecond, PeakRSS: 300 << 20, PeakAnon: 24 << 20, Processes: 1, Stdout: f.answer}
	switch {
	case name == "run":
		m.Wall, m.Stdout = 500*time.Millisecond, []byte("54 bytes, 4 rows\n")
	case strings.Contains(name, "wrong"):
		m.Stdout = []byte("{Hamburg=12.0/23.1/34.2}\n")
	case strings.Contains(name, "slow"):
		m.Wall, m.User = 45*time.Second, 44*time.Second
	}
	return m, nil
}

// A bench with injected runner, build, clock and machine: the exact
// stderr, stdout, raw file and leaderboard, with a planted wrong solution
// that fails while the rest rank.
func TestBenchRunFake(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []string{"01-slow", "02-wrong", "03-good", "duckdb"} {
		mustWrite(t, filepath.Join(dir, "solutions", s, "main.go"), "package main\n\nfunc main() {}\n")
	}
	mustWrite(t, filepath.Join(dir, "solutions", "duckdb", "go.mod"), "module duckdb\n")
	data := filepath.Join(dir, "m.txt")
	mustWrite(t, data, "Hamburg;12.0\nBulawayo;8.9\nHamburg;34.2\nBulawayo;8.9\n")
	answer := "{Bulawayo=8.9/8.9/8.9, Hamburg=12.0/23.1/34.2}\n"
	mustWrite(t, filepath.Join(dir, "m.out"), answer)

	io, out, errOut := testIO()
	runner := &fakeRunner{answer: []byte(answer)}
	var held []string // the files Hold was called with, then "stopped"
	opts := &benchOptions{
		IO: io, File: data, Warmup: -1, MaxTime: time.Minute, Timeout: time.Minute, Interleave: true,
		SolutionsDir: filepath.Join(dir, "solutions"), Out: filepath.Join(dir, "results"),
		Command: "go run ./cmd/run bench --file m.txt",
		Runner:  func() (harness.Runner, error) { return runner, nil },
		Build: func() (func(context.Context, harness.Solution) (string, error), func(), error) {
			return func(_ context.Context, s harness.Solution) (string, error) { return "/bin/" + s.Name, nil }, func() {}, nil
		},
		Floor: func(file string) (*harness.Command, error) {
			return &harness.Command{Path: "/bin/run", Args: []string{"floor", file}}, nil
		},
		Hold: func(_ context.Context, file string) (func() error, float64, error) {
			held = append(held, file)
			// The share of the file in 2 MiB pages goes into the raw file
			// and the leaderboard's Data line.
			return func() error { held = append(held, "stopped"); return nil }, 0.973, nil
		},
		Now: func() time.Time { return time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC) },
		Machine: func(context.Context) []harness.Config {
			return []harness.Config{{Key: "goos", Value: "linux"}, {Key: "goarch", Value: "amd64"}, {Key: "cores", Value: "2"}, {Key: "go", Value: "go1.26.8"}, {Key: "commit", Value: "abc1234"}, {Key: "host", Value: "box"}}
		},
	}
	err := benchRun(context.Background(), opts)
	if !errors.Is(err, errSilent) {
		t.Errorf("benchRun = %v, want errSilent (exit 1) for the wrong solution", err)
	}
	if want := []string{data, "stopped"}; !slices.Equal(held, want) {
		t.Errorf("Hold calls %q, want %q: the file held for the whole run, then let go", held, want)
	}
	clean := func(s string) string { return strings.ReplaceAll(s, dir, "$TMP") }
	golden(t, "bench-fake.stderr", clean(errOut.String()))
	golden(t, "bench-fake.stdout", clean(out.String()))
	raw, err := os.ReadFile(filepath.Join(dir, "results", "2026-11-24T093000Z-box.txt"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "bench-fake.raw", clean(string(raw)))
	md, err := os.ReadFile(filepath.Join(dir, "results", "leaderboard.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "bench-fake.leaderboard.md", clean(string(md)))
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestList checks run list's kinds and notes: a reference with its own
// module, and a step with //onebrc:env build settings.
func TestList(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "01-naive/main.go"), "package main\n")
	mustWrite(t, filepath.Join(dir, "13-simd/main.go"), "// Step 13.\n//\n//onebrc:env GOEXPERIMENT=simd GOAMD64=v3\npackage main\n")
	mustWrite(t, filepath.Join(dir, "duckdb/main.go"), "package main\n")
	mustWrite(t, filepath.Join(dir, "duckdb/go.mod"), "module duckdb\n")
	io, out, _ := testIO()
	if code := runMain(context.Background(), io, []string{"list", "--solutions-dir", dir}); code != 0 {
		t.Fatalf("run list: exit %d", code)
	}
	golden(t, "list.stdout", out.String())
}

// TestWarnNotCached: the page-cache warning appears exactly when a known
// fraction of the data file below harness.WellCached is cached.
func TestWarnNotCached(t *testing.T) {
	for _, tt := range []struct {
		resident float64
		want     string
	}{
		{-1, ""}, // unknown (not Linux)
		{1, ""},
		{harness.WellCached, ""},
		{0.5, "  Warning: only 50% of data/m.txt is in the page cache after reading it twice, so runs will read the rest from disk. Does it fit in memory beside the other files in use?\n"},
		{0, "  Warning: only 0% of data/m.txt is in the page cache after reading it twice, so runs will read the rest from disk. Does it fit in memory beside the other files in use?\n"},
	} {
		var b bytes.Buffer
		warnNotCached(&b, harness.Data{Path: "data/m.txt", Resident: tt.resident})
		if b.String() != tt.want {
			t.Errorf("resident %v: got %q, want %q", tt.resident, b.String(), tt.want)
		}
	}
}

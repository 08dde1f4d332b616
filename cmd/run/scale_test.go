package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

func TestScaleFlags(t *testing.T) {
	cpus := runtime.NumCPU()
	tests := []struct {
		args []string
		want func(o *scaleOptions)
		err  string
	}{
		{args: []string{}, want: func(o *scaleOptions) {}},
		{args: []string{"--rows", "10M,1e6,1_000_000", "--cores", "1,1", "--solutions", "1[01]-*", "--stations", "10k", "--seed", "7",
			"--data-dir", "d", "--out", "o", "--runs", "5", "-w", "2", "--max-time", "20s", "--timeout", "1m", "--own-modules", "--solutions-dir", "s", "--fresh-cache", "--no-hold", "--interleave=false"},
			want: func(o *scaleOptions) {
				o.Rows, o.Cores, o.Solutions, o.Stations, o.Seed, o.DataDir, o.Out = []int64{1e6, 1e7}, []int{1}, "1[01]-*", "10k", 7, "d", "o"
				o.Runs, o.Warmup, o.MaxTime, o.Timeout, o.OwnModules, o.SolutionsDir, o.FreshCache, o.NoHold = 5, 2, 20*time.Second, time.Minute, true, "s", true, true
				o.Interleave = false
			}},
		{args: []string{"--cores", fmt.Sprintf("%d,1", cpus)}, want: func(o *scaleOptions) {
			o.Cores = []int{1}
			if cpus > 1 {
				o.Cores = append(o.Cores, cpus)
			}
		}},
		{args: []string{"--render"}, want: func(o *scaleOptions) { o.Render, o.Rows = true, nil }},
		{args: []string{"--render", "results/scale-x.txt", "--out", "r"}, want: func(o *scaleOptions) { o.Render, o.Raw, o.Out, o.Rows = true, "results/scale-x.txt", "r", nil }},
		{args: []string{"--rows", "0"}, err: `--rows: "0": a data file needs at least one row`},
		{args: []string{"--rows", "1e6,lots"}, err: `--rows: bad row count "lots": want a whole number like 1000000000, 1e9, 1B, 10M, 250k or 1_000_000`},
		{args: []string{"--rows", ""}, err: `--rows needs at least one size`},
		{args: []string{"--cores", "0"}, err: fmt.Sprintf("--cores: 0 is not between 1 and the %d CPUs available", cpus)},
		{args: []string{"--cores", "1,100000"}, err: fmt.Sprintf("--cores: 100000 is not between 1 and the %d CPUs available", cpus)},
		{args: []string{"--cores", "1,x"}, err: `invalid argument "1,x" for "--cores" flag: strconv.Atoi: parsing "x": invalid syntax`},
		{args: []string{"--stations", "tropical"}, err: `--stations must be classic, 10k or numbered, got "tropical"`},
		{args: []string{"--seed", "-1"}, err: `invalid argument "-1" for "--seed" flag: strconv.ParseUint: parsing "-1": invalid syntax`},
		{args: []string{"--runs", "-1"}, err: "--runs must be at least 1 (or 0 for automatic), got -1"},
		{args: []string{"--warmup", "-2"}, err: "--warmup must be at least 0 (or -1 for automatic), got -2"},
		{args: []string{"--max-time", "0s"}, err: "--max-time must be positive, got 0s"},
		{args: []string{"--timeout", "-1s"}, err: "--timeout must not be negative, got -1s"},
		{args: []string{"--out", ""}, err: "--out must name a directory"},
		{args: []string{"--data-dir", ""}, err: "--data-dir must name a directory"},
		{args: []string{"results/scale-x.txt"}, err: `scale takes a RAW file only with --render, got ["results/scale-x.txt"]`},
		{args: []string{"--render", "a", "b"}, err: "scale --render takes at most one RAW file, got 2"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _ := testIO()
			var got *scaleOptions
			cmd := newCmdScale(io, "go run ./cmd/run scale", func(o *scaleOptions) error { got = o; return nil })
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
			want := &scaleOptions{
				Rows: []int64{1e6, 1e7, 1e8, 1e9}, Cores: defaultCores(cpus), SolutionsDir: "solutions", OwnModules: ownModulesDefault(),
				Stations: "classic", Seed: 1, DataDir: "data", Out: "results", Warmup: -1, Timeout: 20 * time.Minute, MaxTime: time.Minute,
				CPUs: cpus, FreshCache: freshCacheDefault(), Interleave: true,
			}
			tt.want(want)
			got.IO, got.Runner, got.Pin, got.Build, got.Hold, got.Now, got.Machine, got.Command = nil, nil, nil, nil, nil, nil, nil, ""
			if !reflect.DeepEqual(got, want) {
				t.Errorf("options\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestDefaultCores(t *testing.T) {
	for cpus, want := range map[int]string{1: "[1]", 2: "[1 2]", 3: "[1 2 3]", 4: "[1 2 4]", 6: "[1 2 4 6]", 64: "[1 2 4 8 16 32 64]"} {
		if got := fmt.Sprint(defaultCores(cpus)); got != want {
			t.Errorf("defaultCores(%d) = %s, want %s", cpus, got, want)
		}
	}
}

// scaleFakeRunner answers each data file with its .out, in a wall time
// that depends on the file's rows and GOMAXPROCS: 01-naive uses one core,
// 02-par all it is given; 03-wrong prints a wrong answer.
type scaleFakeRunner struct{ calls []harness.Command }

func (f *scaleFakeRunner) Run(_ context.Context, c harness.Command) (harness.Measurement, error) {
	f.calls = append(f.calls, c)
	answer, err := os.ReadFile(harness.ExpectedPath(c.Args[0]))
	if err != nil {
		return harness.Measurement{}, err
	}
	var rows int64
	fmt.Sscanf(filepath.Base(c.Args[0]), "measurements-%d-", &rows)
	cores := 0
	for _, e := range c.Env {
		fmt.Sscanf(e, "GOMAXPROCS=%d", &cores)
	}
	wall := 5*time.Millisecond + time.Duration(rows)*10*time.Microsecond
	switch name := filepath.Base(c.Path); name {
	case "02-par":
		wall = 5*time.Millisecond + time.Duration(rows)*6*time.Microsecond/time.Duration(cores)
	case "03-wrong":
		answer = []byte("{}\n")
	}
	return harness.Measurement{Wall: wall, User: wall, Sys: wall / 20, PeakRSS: 20 << 20, PeakAnon: 5 << 20, Processes: 1, Stdout: answer}, nil
}

// A sweep with injected runner, pin, build, clock and machine on data
// files it generates: the exact stderr, stdout, raw file and report; then
// --render gives the same report again.
func TestScaleRunFake(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []string{"01-naive", "02-par", "03-wrong"} {
		mustWrite(t, filepath.Join(dir, "solutions", s, "main.go"), "package main\n\nfunc main() {}\n")
	}
	out := filepath.Join(dir, "results")
	mustWrite(t, filepath.Join(out, "leaderboard.md"), "# Leaderboard\n")
	var pins []int
	var held []string // the files Hold was called with, each followed by "stopped" when let go
	io, stdout, stderr := testIO()
	runner := &scaleFakeRunner{}
	opts := &scaleOptions{
		IO: io, Rows: []int64{1000, 10000}, Cores: []int{1, 2}, Stations: "classic", Seed: 1,
		DataDir: filepath.Join(dir, "data"), Out: out, Runs: 2, Warmup: 0, MaxTime: time.Minute, Timeout: time.Minute,
		SolutionsDir: filepath.Join(dir, "solutions"), CPUs: 2,
		FreshCache: true, // the data files do not exist yet: nothing to drop, no error
		Interleave: true, // run scale's default: each point's timed runs in rounds
		Command:    "go run ./cmd/run scale --rows 1e3,1e4 --runs 2 --warmup 0",
		Runner:     func() (harness.Runner, error) { return runner, nil },
		Pin: func(n int) (func(), error) {
			pins = append(pins, n)
			return func() {}, nil
		},
		Build: func() (func(context.Context, harness.Solution) (string, error), func(), error) {
			return func(_ context.Context, s harness.Solution) (string, error) { return "/bin/" + s.Name, nil }, func() {}, nil
		},
		Hold: func(_ context.Context, file string) (func() error, float64, error) {
			held = append(held, filepath.Base(file))
			return func() error { held = append(held, "stopped"); return nil }, -1, nil
		},
		Now: func() time.Time { return time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC) },
		Machine: func(context.Context) []harness.Config {
			return []harness.Config{{Key: "goos", Value: "linux"}, {Key: "goarch", Value: "amd64"}, {Key: "cores", Value: "2"}, {Key: "go", Value: "go1.26.8"}, {Key: "commit", Value: "abc1234"}, {Key: "host", Value: "box"}}
		},
	}
	err := scaleRun(context.Background(), opts)
	if want := []string{"measurements-1000-classic-seed1.txt", "stopped", "measurements-10000-classic-seed1.txt", "stopped"}; !slices.Equal(held, want) {
		t.Errorf("Hold calls %q, want %q: each file held while its points run", held, want)
	}
	if !errors.Is(err, errSilent) {
		t.Errorf("scaleRun = %v, want errSilent (exit 1) for the wrong solution", err)
	}
	if len(pins) != len(runner.calls) || len(pins) != 4*(2+2+1) {
		t.Errorf("%d runs, %d pins; want 20 of each (4 points: 2 runs of two solutions, 1 of the wrong one)", len(runner.calls), len(pins))
	}
	// In rounds at each point (no warm-ups): round 1 in order, where
	// 03-wrong fails and leaves; round 2 reversed.
	var order []string
	for _, c := range runner.calls {
		order = append(order, fmt.Sprintf("%s×%s %s", strings.TrimSuffix(strings.TrimPrefix(filepath.Base(c.Args[0]), "measurements-"), "-classic-seed1.txt"), c.Env[len(c.Env)-1], filepath.Base(c.Path)))
	}
	var wantRuns []string
	for _, p := range []string{"1000×GOMAXPROCS=1", "1000×GOMAXPROCS=2", "10000×GOMAXPROCS=1", "10000×GOMAXPROCS=2"} {
		for _, s := range []string{"01-naive", "02-par", "03-wrong", "02-par", "01-naive"} {
			wantRuns = append(wantRuns, p+" "+s)
		}
	}
	if !slices.Equal(order, wantRuns) {
		t.Errorf("runs\n got %q\nwant %q", order, wantRuns)
	}
	clean := func(s string) string { return strings.ReplaceAll(s, dir, "$TMP") }
	golden(t, "scale-fake.stderr", clean(stderr.String()))
	golden(t, "scale-fake.stdout", clean(stdout.String()))
	raw, err := os.ReadFile(filepath.Join(out, "scale-2026-11-24T093000Z-box.txt"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "scale-fake.raw", clean(string(raw)))
	md, err := os.ReadFile(filepath.Join(out, "scale.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "scale-fake.md", clean(string(md)))
	for _, f := range []string{"scale-rows.svg", "scale-cores.svg", "../data/measurements-1000-classic-seed1.out", "../data/measurements-10000-classic-seed1.txt"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}

	// --render from the newest scale raw file: the same report.
	os.Remove(filepath.Join(out, "scale.md"))
	io, stdout, stderr = testIO()
	if code := runMain(context.Background(), io, []string{"scale", "--render", "--out", out}); code != exitOK {
		t.Fatalf("scale --render: exit %d\n%s", code, stderr)
	}
	again, err := os.ReadFile(filepath.Join(out, "scale.md"))
	if err != nil || string(again) != string(md) {
		t.Errorf("scale --render wrote a different scale.md (%v)", err)
	}
	want := "Wrote $TMP/results/scale.md, $TMP/results/scale-rows.svg and $TMP/results/scale-cores.svg from $TMP/results/scale-2026-11-24T093000Z-box.txt\n" +
		"$TMP/results/leaderboard.md links scale.md from its next rendering: go run ./cmd/run leaderboard [RAW]\n"
	if got := clean(stdout.String()); got != want {
		t.Errorf("scale --render printed\n%s\nwant\n%s", got, want)
	}

	// A second sweep reuses the data files.
	io, _, stderr = testIO()
	opts.IO, opts.Rows, opts.Cores = io, []int64{1000}, []int{2}
	scaleRun(context.Background(), opts)
	if strings.Contains(stderr.String(), "Generating") {
		t.Errorf("the second sweep generated its data again:\n%s", stderr)
	}
}

func TestScaleExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"scale", "--render", "--out", dir}, exitFailed, "run: harness: " + dir + ": no scale raw file (scale-<UTC time>-<host>.txt): run \"run scale\" first\n"},
		{[]string{"scale", "--cores", "0"}, exitUsage, fmt.Sprintf("run: --cores: 0 is not between 1 and the %d CPUs available\nSee 'run --help'.\n", runtime.NumCPU())},
		{[]string{"scale", "--solutions", "nothing-*", "--solutions-dir", dir}, exitUsage, "run: no solution under " + dir + " matches --solutions \"nothing-*\"\nSee 'run --help'.\n"},
	}
	for _, tt := range tests {
		io, _, errOut := testIO()
		if code := runMain(context.Background(), io, tt.args); code != tt.code || errOut.String() != tt.stderr {
			t.Errorf("run %q: exit %d, stderr %q; want %d, %q", tt.args, code, errOut.String(), tt.code, tt.stderr)
		}
	}
}

// TestScaleRunHoldFails: a sweep whose holder starts for its first data
// file but not for its second records the page cache as "fresh" only,
// and still runs every point. It runs in turn (--interleave=false), which
// its raw file says.
func TestScaleRunHoldFails(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "solutions", "01-naive", "main.go"), "package main\n\nfunc main() {}\n")
	out := filepath.Join(dir, "results")
	io, _, stderr := testIO()
	runner := &scaleFakeRunner{}
	holds := 0
	opts := &scaleOptions{
		IO: io, Rows: []int64{1000, 2000}, Cores: []int{1}, Stations: "classic", Seed: 1,
		DataDir: filepath.Join(dir, "data"), Out: out, Runs: 1, Warmup: 0, MaxTime: time.Minute, Timeout: time.Minute,
		SolutionsDir: filepath.Join(dir, "solutions"), CPUs: 2, FreshCache: true,
		Runner: func() (harness.Runner, error) { return runner, nil },
		Pin:    func(int) (func(), error) { return func() {}, nil },
		Build: func() (func(context.Context, harness.Solution) (string, error), func(), error) {
			return func(_ context.Context, s harness.Solution) (string, error) { return "/bin/" + s.Name, nil }, func() {}, nil
		},
		Hold: func(_ context.Context, file string) (func() error, float64, error) {
			if holds++; holds > 1 {
				return nil, -1, errors.New("no room")
			}
			return func() error { return nil }, -1, nil
		},
		Now:     func() time.Time { return time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC) },
		Machine: func(context.Context) []harness.Config { return []harness.Config{{Key: "host", Value: "box"}} },
	}
	if err := scaleRun(context.Background(), opts); err != nil {
		t.Fatalf("scaleRun = %v\n%s", err, stderr)
	}
	if len(runner.calls) != 2 {
		t.Errorf("%d runs, want 2 (one per point)", len(runner.calls))
	}
	if !strings.Contains(stderr.String(), "Not holding "+filepath.Join(dir, "data", "measurements-2000-classic-seed1.txt")+" mapped: no room") {
		t.Errorf("stderr does not report the holder that did not start:\n%s", stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "scale-2026-11-24T093000Z-box.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got := regexp.MustCompile(`(?m)^page-cache: .*$`).FindAllString(string(raw), -1); !slices.Equal(got, []string{"page-cache: fresh"}) {
		t.Errorf("raw file's page-cache lines = %q, want one \"page-cache: fresh\"", got)
	}
	if got := regexp.MustCompile(`(?m)^schedule: .*$`).FindAllString(string(raw), -1); !slices.Equal(got, []string{"schedule: in turn"}) {
		t.Errorf("raw file's schedule lines = %q, want one \"schedule: in turn\"", got)
	}
}

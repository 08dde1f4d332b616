package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"
)

// filesData is a fake data file whose answer names it, so that an answer
// printed for another file is wrong.
func filesData(path string, rows, size int64, stations int) Data {
	return Data{Path: path, Size: FileSize{Bytes: size, Rows: rows}, Stations: stations, Expected: []byte(filesAnswer(path))}
}

// filesAnswer is the expected output of the fake data file at path.
func filesAnswer(path string) string {
	return fmt.Sprintf("{%s=1.0/2.0/3.0}\n", strings.TrimSuffix(filepath.Base(path), ".txt"))
}

// pairRunner is the fake runner of Files: each (binary, file) pair answers
// that file's answer in the wall times listed for it, one per call (the
// last repeats), user time 1.9 times the wall. It records every call as
// "FILE BINARY". A pair listed in wrong prints a wrong answer at its
// call of that number (0-based); cancelAt cancels at the given call.
type pairRunner struct {
	walls    map[string][]float64 // "binary file" -> seconds
	wrong    map[string]int       // "binary file" -> call that answers wrongly
	cancelAt int                  // 1-based call to cancel at; 0 for none
	cancel   context.CancelFunc
	calls    []string
	counts   map[string]int
}

func (p *pairRunner) Run(ctx context.Context, c Command) (Measurement, error) {
	if err := ctx.Err(); err != nil {
		return Measurement{}, err
	}
	bin, file := filepath.Base(c.Path), c.Args[0]
	key := bin + " " + file
	if p.counts == nil {
		p.counts = map[string]int{}
	}
	n := p.counts[key]
	p.counts[key]++
	p.calls = append(p.calls, filepath.Base(file)+" "+bin)
	if p.cancelAt == len(p.calls) {
		p.cancel()
		return Measurement{Wall: time.Second, ExitCode: -1, Signal: "SIGKILL"}, context.Canceled
	}
	ws, ok := p.walls[key]
	if !ok {
		return Measurement{}, errors.New("pairRunner: no walls for " + key)
	}
	w := time.Duration(ws[min(n, len(ws)-1)] * float64(time.Second))
	out := filesAnswer(file)
	if bad, ok := p.wrong[key]; ok && bad == n {
		out = "{}\n"
	}
	return Measurement{Wall: w, User: w * 19 / 10, Sys: w / 50, PeakRSS: 400 << 20, PeakAnon: 34 << 20, Processes: 1, Stdout: []byte(out)}, nil
}

// filesFixtureData are the three fake files of the fixture.
func filesFixtureData() []Data {
	return []Data{
		filesData("data/m100m-classic.txt", 100_000_000, 1_379_546_688, 413),
		filesData("data/m100m-10k.txt", 100_000_000, 1_728_165_215, 10_000),
		filesData("data/m100m-numbered.txt", 100_000_000, 1_076_837_049, 10_000),
	}
}

// filesFixtureRunner times two solutions on the fixture's files: a warm-up
// then three rounds, the machine slowing down by half in round 2. Its
// figures are what TestFilesReport checks by hand.
func filesFixtureRunner() *pairRunner {
	return &pairRunner{walls: map[string][]float64{
		// warm-up, round 1, round 2, round 3
		"24-wide data/m100m-classic.txt":      {2.6, 2.4, 3.6, 2.5},
		"24-wide data/m100m-10k.txt":          {4.5, 4.3, 6.6, 4.4},
		"24-wide data/m100m-numbered.txt":     {3.4, 3.3, 4.8, 3.2},
		"25-adaptive data/m100m-classic.txt":  {2.5, 2.4, 3.7, 2.4},
		"25-adaptive data/m100m-10k.txt":      {4.4, 4.2, 6.4, 4.5},
		"25-adaptive data/m100m-numbered.txt": {3.3, 3.4, 4.8, 3.1},
	}}
}

// filesFixtureConfig is a fixed shared configuration for golden files.
func filesFixtureConfig() []Config {
	return []Config{
		{KeyGoos, "linux"}, {KeyGoarch, "amd64"}, {KeyCPU, "AMD EPYC 9B45"}, {KeyCores, "2"},
		{KeyGo, "go1.26.8"}, {KeyCommit, "abc1234"}, {KeyHost, "bench-box"},
		{KeyPageCache, "fresh, held"}, {KeySchedule, ScheduleRounds},
		{KeyCommand, "go run ./cmd/run files --solutions '2[45]-*' --runs 3 data/m100m-classic.txt data/m100m-10k.txt data/m100m-numbered.txt"},
	}
}

// runFilesFixture runs Files on the fixture and returns the suite, the
// runner and what Progress and Record saw.
func runFilesFixture(t *testing.T) (FilesSuite, *pairRunner, []string, []FilesSuite) {
	t.Helper()
	r := filesFixtureRunner()
	var events []string
	var records []FilesSuite
	s, err := Files(context.Background(), FilesOptions{
		Solutions: sols("24-wide", "25-adaptive"),
		Data:      filesFixtureData(),
		Runner:    r,
		Build:     fakeBuild(),
		Warmup:    1,
		Rounds:    3,
		Timeout:   time.Minute,
		Config:    filesFixtureConfig(),
		Progress: func(e FilesEvent) {
			switch e.Kind {
			case FilesEventBuild:
				events = append(events, "build "+e.Solution)
			case FilesEventWarmup:
				events = append(events, fmt.Sprintf("warm-up %d", e.Run))
			case FilesEventRound:
				events = append(events, fmt.Sprintf("round %d/%d", e.Round, e.Rounds))
			}
		},
		Record: func(s FilesSuite) error { records = append(records, s); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, r, events, records
}

// TestFilesOrder checks the exact order of the runs: builds, each
// (file, solution) pair's warm-up, then rounds of every pair, files in
// order and solutions in order within each, reversed every other round.
func TestFilesOrder(t *testing.T) {
	s, r, events, records := runFilesFixture(t)
	forward := []string{
		"m100m-classic.txt 24-wide", "m100m-classic.txt 25-adaptive",
		"m100m-10k.txt 24-wide", "m100m-10k.txt 25-adaptive",
		"m100m-numbered.txt 24-wide", "m100m-numbered.txt 25-adaptive",
	}
	backward := slices.Clone(forward)
	slices.Reverse(backward)
	want := slices.Concat(forward, forward, backward, forward) // warm-ups, rounds 1-3
	if !slices.Equal(r.calls, want) {
		t.Errorf("runs\n got %q\nwant %q", r.calls, want)
	}
	wantEvents := []string{"build 24-wide", "build 25-adaptive", "warm-up 1", "round 1/3", "round 2/3", "round 3/3"}
	if !slices.Equal(events, wantEvents) {
		t.Errorf("events %q, want %q", events, wantEvents)
	}
	var done []int
	for _, rec := range records {
		done = append(done, rec.Done)
	}
	if !slices.Equal(done, []int{0, 1, 2, 3}) {
		t.Errorf("records after rounds %v, want [0 1 2 3]: after the warm-ups and after each round", done)
	}
	if !reflect.DeepEqual(records[len(records)-1], s) {
		t.Errorf("the last record differs from the suite Files returned")
	}
	// The i-th run is the round's: 24-wide on the 10k file took 4.3, 6.6
	// and 4.4 s in rounds 1-3 (its 4.5 s warm-up is not timed).
	res := s.Files[1].Results[0]
	if got := []time.Duration{res.Runs[0].Wall, res.Runs[1].Wall, res.Runs[2].Wall}; !slices.Equal(got, []time.Duration{4300 * time.Millisecond, 6600 * time.Millisecond, 4400 * time.Millisecond}) || res.Warmups != 1 {
		t.Errorf("24-wide on the 10k file: walls %v, %d warm-ups; want [4.3s 6.6s 4.4s] and 1", got, res.Warmups)
	}

	// Two warm-up runs each: a pair's warm-ups come one after the other.
	r = filesFixtureRunner()
	if _, err := Files(context.Background(), FilesOptions{
		Solutions: sols("24-wide", "25-adaptive"), Data: filesFixtureData()[:2], Runner: r, Build: fakeBuild(), Warmup: 2, Rounds: 2,
	}); err != nil {
		t.Fatal(err)
	}
	want = []string{
		"m100m-classic.txt 24-wide", "m100m-classic.txt 24-wide", "m100m-classic.txt 25-adaptive", "m100m-classic.txt 25-adaptive",
		"m100m-10k.txt 24-wide", "m100m-10k.txt 24-wide", "m100m-10k.txt 25-adaptive", "m100m-10k.txt 25-adaptive",
		"m100m-classic.txt 24-wide", "m100m-classic.txt 25-adaptive", "m100m-10k.txt 24-wide", "m100m-10k.txt 25-adaptive",
		"m100m-10k.txt 25-adaptive", "m100m-10k.txt 24-wide", "m100m-classic.txt 25-adaptive", "m100m-classic.txt 24-wide",
	}
	if !slices.Equal(r.calls, want) {
		t.Errorf("runs with --warmup 2\n got %q\nwant %q", r.calls, want)
	}
}

// TestFilesVisit: with Visit, each file is visited before its runs and
// left before the next file's, in the schedule of TestFilesOrder: once for
// the warm-ups, then once a round, the last file of a round going on into
// the next; the lowest share of 2 MiB pages over a file's visits is
// recorded, an unknown one is not; a failed visit stops Files with its
// error and the rounds finished before it.
func TestFilesVisit(t *testing.T) {
	r := filesFixtureRunner()
	shares := map[string][]float64{ // per visit, in order
		"m100m-classic.txt":  {0.99, 0.52, 0.97},
		"m100m-10k.txt":      {0.98, 0.99, 0.995},
		"m100m-numbered.txt": {-1},
	}
	visits := map[string]int{}
	visit := func(_ context.Context, f int) (func(), float64, error) {
		name := filepath.Base(filesFixtureData()[f].Path)
		r.calls = append(r.calls, "visit "+name)
		s := shares[name]
		large := s[min(visits[name], len(s)-1)]
		visits[name]++
		return func() { r.calls = append(r.calls, "leave "+name) }, large, nil
	}
	s, err := Files(context.Background(), FilesOptions{
		Solutions: sols("24-wide", "25-adaptive"), Data: filesFixtureData(), Runner: r, Build: fakeBuild(),
		Warmup: 1, Rounds: 3, Visit: visit,
	})
	if err != nil {
		t.Fatal(err)
	}
	c, k, n := "m100m-classic.txt", "m100m-10k.txt", "m100m-numbered.txt"
	runs := func(f string) []string { return []string{f + " 24-wide", f + " 25-adaptive"} }
	back := func(f string) []string { return []string{f + " 25-adaptive", f + " 24-wide"} }
	in := func(f string, l []string) []string {
		return slices.Concat([]string{"visit " + f}, l, []string{"leave " + f})
	}
	want := slices.Concat(
		in(c, runs(c)), in(k, runs(k)), in(n, runs(n)), // warm-ups
		in(c, runs(c)), in(k, runs(k)), []string{"visit " + n}, runs(n), // round 1
		back(n), []string{"leave " + n}, in(k, back(k)), []string{"visit " + c}, back(c), // round 2
		runs(c), []string{"leave " + c}, in(k, runs(k)), in(n, runs(n)), // round 3
	)
	if !slices.Equal(r.calls, want) {
		t.Errorf("calls\n got %q\nwant %q", r.calls, want)
	}
	var got []string
	for _, f := range s.Files {
		got = append(got, f.LargePages)
	}
	if want := []string{"52.0%", "98.0%", ""}; !slices.Equal(got, want) {
		t.Errorf("large pages %q, want %q: the lowest of each file's visits", got, want)
	}
	if s.Done != 3 || len(s.Files[2].Results[1].Runs) != 3 {
		t.Errorf("done %d rounds, %d runs of 25-adaptive on the numbered file; want 3 and 3", s.Done, len(s.Files[2].Results[1].Runs))
	}

	// A visit that fails in round 2 (the fifth visit) stops Files: the
	// round-1 suite comes back with the error, and the file visited before
	// it is left.
	r = filesFixtureRunner()
	boom := errors.New("cannot read it back")
	count := 0
	s, err = Files(context.Background(), FilesOptions{
		Solutions: sols("24-wide", "25-adaptive"), Data: filesFixtureData()[:2], Runner: r, Build: fakeBuild(),
		Warmup: 1, Rounds: 3,
		Visit: func(_ context.Context, f int) (func(), float64, error) {
			count++
			name := filepath.Base(filesFixtureData()[f].Path)
			if count == 5 {
				return nil, -1, boom
			}
			r.calls = append(r.calls, "visit "+name)
			return func() { r.calls = append(r.calls, "leave "+name) }, -1, nil
		},
	})
	if !errors.Is(err, boom) || s.Done != 1 {
		t.Errorf("Files = %d rounds done, %v; want 1 and the visit's error", s.Done, err)
	}
	want = slices.Concat(in(c, runs(c)), in(k, runs(k)), in(c, runs(c)), []string{"visit " + k}, runs(k), back(k), []string{"leave " + k})
	if !slices.Equal(r.calls, want) {
		t.Errorf("calls with a failed visit\n got %q\nwant %q", r.calls, want)
	}
}

// TestFilesFailure: a solution that answers wrongly on the second file in
// round 2 stops there, on every file, and keeps its runs on the others; one
// that fails to build never runs; one that fails its warm-up on the
// second file never warms up on the third; the good one runs every round.
func TestFilesFailure(t *testing.T) {
	r := &pairRunner{
		walls: map[string][]float64{},
		wrong: map[string]int{"02-bad data/b.txt": 2, "04-warm data/b.txt": 0}, // 02-bad: its warm-up, round 1, then round 2
	}
	for _, s := range []string{"01-good", "02-bad", "04-warm"} {
		for _, f := range []string{"data/a.txt", "data/b.txt", "data/c.txt"} {
			r.walls[s+" "+f] = []float64{1}
		}
	}
	var fails []string
	s, err := Files(context.Background(), FilesOptions{
		Solutions: sols("01-good", "02-bad", "03-broken", "04-warm"),
		Data:      []Data{filesData("data/a.txt", 10, 100, 1), filesData("data/b.txt", 10, 100, 1), filesData("data/c.txt", 10, 100, 1)},
		Runner:    r, Build: fakeBuild("03-broken"), Warmup: 1, Rounds: 3, Config: filesFixtureConfig()[:7],
		Progress: func(e FilesEvent) {
			if e.Failure != "" {
				fails = append(fails, fmt.Sprintf("%s %s round %d", e.Solution, e.File, e.Round))
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a.txt 01-good", "a.txt 02-bad", "a.txt 04-warm", "b.txt 01-good", "b.txt 02-bad", "b.txt 04-warm", "c.txt 01-good", "c.txt 02-bad", // warm-ups: 04-warm fails on b
		"a.txt 01-good", "a.txt 02-bad", "b.txt 01-good", "b.txt 02-bad", "c.txt 01-good", "c.txt 02-bad", // round 1
		"c.txt 02-bad", "c.txt 01-good", "b.txt 02-bad", "b.txt 01-good", "a.txt 01-good", // round 2, reversed: 02-bad fails on b
		"a.txt 01-good", "b.txt 01-good", "c.txt 01-good", // round 3
	}
	if !slices.Equal(r.calls, want) {
		t.Errorf("runs\n got %q\nwant %q", r.calls, want)
	}
	if wantFails := []string{"03-broken  round 0", "04-warm data/b.txt round 0", "02-bad data/b.txt round 2"}; !slices.Equal(fails, wantFails) {
		t.Errorf("failure events %q, want %q", fails, wantFails)
	}
	type state struct {
		runs, warmups int
		failure       string
	}
	got := map[string]state{}
	for _, f := range s.Files {
		for _, res := range f.Results {
			failure, _, _ := strings.Cut(res.Failure, ": output differs")
			got[res.Name+" "+filepath.Base(f.Path)] = state{len(res.Runs), res.Warmups, strings.SplitN(failure, "\n", 2)[0]}
		}
	}
	build := "harness: build 03-broken: build failed: exit status 1"
	wantStates := map[string]state{
		"01-good a.txt": {3, 1, ""}, "01-good b.txt": {3, 1, ""}, "01-good c.txt": {3, 1, ""},
		"02-bad a.txt": {1, 1, ""}, "02-bad b.txt": {0, 1, "timed run 2: wrong output"}, "02-bad c.txt": {2, 1, ""},
		"03-broken a.txt": {0, 0, build}, "03-broken b.txt": {0, 0, build}, "03-broken c.txt": {0, 0, build},
		"04-warm a.txt": {0, 1, ""}, "04-warm b.txt": {0, 0, "warm-up run 1: wrong output"}, "04-warm c.txt": {0, 0, ""},
	}
	if !reflect.DeepEqual(got, wantStates) {
		t.Errorf("results\n got %v\nwant %v", got, wantStates)
	}
	// 02-bad's run on c.txt in round 2 pairs with nothing on a.txt: one
	// round shared.
	if q, ok := CompareRounds(s.Files[0].Results[1], s.Files[2].Results[1]); !ok || q.Rounds != 1 {
		t.Errorf("CompareRounds(02-bad a, c) = %+v, %v; want 1 round", q, ok)
	}
	if _, ok := CompareRounds(s.Files[0].Results[1], s.Files[1].Results[1]); ok {
		t.Errorf("CompareRounds against a failed file is ok")
	}
	var md bytes.Buffer
	if err := WriteFilesReport(&md, s, FilesReportOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "files-failed.golden.md", md.String())
	var sum bytes.Buffer
	WriteFilesSummary(&sum, s)
	for _, line := range []string{
		"  ✗ 03-broken failed on every file: harness: build 03-broken: build failed: exit status 1; ./main.go:3:1: syntax error: non-declaration statement outside function body\n",
		"  ✗ 02-bad failed on data/b.txt: timed run 2: wrong output: output differs",
		"    data/b.txt  ✗ failed\n",
		"    data/c.txt  wall   1.000 s  user   1.900 s  2 runs  1.00× (1.00–1.00) wall, 1.00× (1.00–1.00) user, slower in 0 of 1 rounds, fastest/fastest 1.00×\n",
	} {
		if !strings.Contains(sum.String(), line) {
			t.Errorf("summary lacks %q:\n%s", line, &sum)
		}
	}

	// Every solution stopped: no rounds are left to run.
	r = &pairRunner{walls: map[string][]float64{"01-a data/a.txt": {1}, "01-a data/b.txt": {1}}, wrong: map[string]int{"01-a data/b.txt": 0}}
	s, err = Files(context.Background(), FilesOptions{
		Solutions: sols("01-a"), Data: []Data{filesData("data/a.txt", 1, 1, 1), filesData("data/b.txt", 1, 1, 1)}, Runner: r, Build: fakeBuild(), Warmup: 1, Rounds: 5,
	})
	if err != nil || len(r.calls) != 2 || s.Done != 0 {
		t.Errorf("Files with every solution failed in its warm-up: %d runs, %d rounds done, %v; want 2 runs and none", len(r.calls), s.Done, err)
	}
}

// Ctrl-C in round 2: the suite as it was after round 1 comes back, so
// every file has the same rounds.
func TestFilesInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := filesFixtureRunner()
	r.cancelAt, r.cancel = 6+6+3, cancel // warm-ups, round 1, half of round 2
	var last FilesSuite
	s, err := Files(ctx, FilesOptions{
		Solutions: sols("24-wide", "25-adaptive"), Data: filesFixtureData(), Runner: r, Build: fakeBuild(), Warmup: 1, Rounds: 3,
		Record: func(s FilesSuite) error { last = s; return nil },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s.Done != 1 || !reflect.DeepEqual(s, last) {
		t.Errorf("interrupted: %d rounds done, same as the last record: %v; want 1 and true", s.Done, reflect.DeepEqual(s, last))
	}
	for _, f := range s.Files {
		for _, res := range f.Results {
			if len(res.Runs) != 1 || res.Failure != "" {
				t.Errorf("%s on %s: %d runs, failure %q; want round 1's run", res.Name, f.Path, len(res.Runs), res.Failure)
			}
		}
	}
	if _, err := Files(context.Background(), FilesOptions{Data: filesFixtureData()[:1], Rounds: 1}); err == nil {
		t.Errorf("Files with one data file: no error")
	}
	if _, err := Files(context.Background(), FilesOptions{Data: filesFixtureData(), Rounds: 0}); err == nil {
		t.Errorf("Files with no rounds: no error")
	}
}

// runsOf makes timed runs from (wall, user) pairs in seconds.
func runsOf(pairs ...[2]float64) []Run {
	var rs []Run
	for _, p := range pairs {
		rs = append(rs, Run{Wall: time.Duration(p[0] * 1e9), User: time.Duration(p[1] * 1e9)})
	}
	return rs
}

// TestCompareRounds checks the ratios against figures worked out by hand.
func TestCompareRounds(t *testing.T) {
	base := Result{Name: "s", Runs: runsOf([2]float64{2.0, 1}, [2]float64{4.0, 2}, [2]float64{2.5, 1}, [2]float64{3.0, 2})}
	other := Result{Name: "s", Runs: runsOf([2]float64{3.0, 2}, [2]float64{5.0, 2}, [2]float64{5.5, 3}, [2]float64{3.0, 3})}
	tests := []struct {
		name        string
		base, other Result
		want        RoundRatios
		ok          bool
	}{
		// Wall ratios by round 1.5, 1.25, 2.2, 1.0: median (1.25+1.5)/2
		// = 1.375, min 1.0, max 2.2; slower in rounds 1-3 (3.0 = 3.0 in
		// round 4 is not slower). User ratios 2, 1, 3, 1.5: median 1.75.
		// The medians' quotient would be 4.0/2.75 = 1.45. Fastest: 3.0
		// (rounds 1 and 4) over 2.0 (round 1), 1.5.
		{"four rounds", base, other, RoundRatios{Rounds: 4, Wall: 1.375, WallMin: 1, WallMax: 2.2, User: 1.75, UserMin: 1, UserMax: 3, HasUser: true, Slower: 3, Fastest: 1.5}, true},
		// The first three rounds only (other stopped): 1.5, 1.25, 2.2.
		// Fastest 3.0 over 2.0.
		{"other stopped", base, Result{Runs: other.Runs[:3]}, RoundRatios{Rounds: 3, Wall: 1.5, WallMin: 1.25, WallMax: 2.2, User: 2, UserMin: 1, UserMax: 3, HasUser: true, Slower: 3, Fastest: 1.5}, true},
		// Base stopped after round 1 (2.0): other's fastest of round 1
		// only, 3.0, not its 3.0 of round 4; a base whose fastest run is
		// in a round other lacks is left out the same way.
		{"base stopped", Result{Runs: runsOf([2]float64{2.5, 1}, [2]float64{2.0, 1})}, Result{Runs: runsOf([2]float64{4.0, 2})},
			RoundRatios{Rounds: 1, Wall: 1.6, WallMin: 1.6, WallMax: 1.6, User: 2, UserMin: 2, UserMax: 2, HasUser: true, Slower: 1, Fastest: 1.6}, true},
		// Faster in every round: 0.5 and 0.8; fastest 1 over 2.
		{"faster", Result{Runs: runsOf([2]float64{2, 1}, [2]float64{5, 1})}, Result{Runs: runsOf([2]float64{1, 1}, [2]float64{4, 2})},
			RoundRatios{Rounds: 2, Wall: 0.65, WallMin: 0.5, WallMax: 0.8, User: 1.5, UserMin: 1, UserMax: 2, HasUser: true, Fastest: 0.5}, true},
		{"no user time", Result{Runs: runsOf([2]float64{2, 0})}, Result{Runs: runsOf([2]float64{3, 1})}, RoundRatios{Rounds: 1, Wall: 1.5, WallMin: 1.5, WallMax: 1.5, Slower: 1, Fastest: 1.5}, true},
		{"failed", base, Result{Failure: "boom"}, RoundRatios{}, false},
		{"no rounds", Result{}, other, RoundRatios{}, false},
		{"zero wall", Result{Runs: runsOf([2]float64{0, 1})}, other, RoundRatios{}, false},
	}
	for _, tt := range tests {
		got, ok := CompareRounds(tt.base, tt.other)
		near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
		same := got.Rounds == tt.want.Rounds && got.Slower == tt.want.Slower && got.HasUser == tt.want.HasUser &&
			near(got.Wall, tt.want.Wall) && near(got.WallMin, tt.want.WallMin) && near(got.WallMax, tt.want.WallMax) &&
			near(got.User, tt.want.User) && near(got.UserMin, tt.want.UserMin) && near(got.UserMax, tt.want.UserMax) &&
			near(got.Fastest, tt.want.Fastest)
		if ok != tt.ok || !same {
			t.Errorf("%s: CompareRounds = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestFilesReport: files.md and the summary of the fixture, whose ratios
// are worked out by hand here.
func TestFilesReport(t *testing.T) {
	s, _, _, _ := runFilesFixture(t)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// 24-wide, 10k against classic: rounds 4.3/2.4 = 1.7917, 6.6/3.6 =
	// 1.8333, 4.4/2.5 = 1.76; median 1.7917, slower in all three.
	// 25-adaptive, numbered against classic: 3.4/2.4 = 1.4167, 4.8/3.7 =
	// 1.2973, 3.1/2.4 = 1.2917; median 1.2973. User is 1.9 × wall in
	// every run, so its ratios are the same. Fastest over fastest: 4.3/2.4
	// for the first, 3.1/2.4 for the second.
	for _, tt := range []struct {
		sol, file                   int
		wall, lo, hi, user, fastest float64
	}{
		{0, 1, 4.3 / 2.4, 4.4 / 2.5, 6.6 / 3.6, 4.3 / 2.4, 4.3 / 2.4},
		{1, 2, 4.8 / 3.7, 3.1 / 2.4, 3.4 / 2.4, 4.8 / 3.7, 3.1 / 2.4},
	} {
		q, ok := CompareRounds(s.Files[0].Results[tt.sol], s.Files[tt.file].Results[tt.sol])
		if !ok || q.Rounds != 3 || q.Slower != 3 || !near(q.Wall, tt.wall) || !near(q.WallMin, tt.lo) || !near(q.WallMax, tt.hi) || !near(q.User, tt.user) || !near(q.Fastest, tt.fastest) {
			t.Errorf("solution %d, file %d: %+v, %v; want wall %.4f (%.4f–%.4f) in 3 rounds, slower in 3", tt.sol, tt.file, q, ok, tt.wall, tt.lo, tt.hi)
		}
	}
	var md bytes.Buffer
	err := WriteFilesReport(&md, s, FilesReportOptions{Raw: "files-2026-12-06T053000Z-bench-box.txt", Started: time.Date(2026, 12, 6, 5, 30, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "files.golden.md", md.String())
	var sum bytes.Buffer
	WriteFilesSummary(&sum, s)
	golden(t, "files-summary.golden", sum.String())
	// An interrupted run says how many rounds it finished.
	s.Done = 2
	md.Reset()
	WriteFilesReport(&md, s, FilesReportOptions{})
	if !strings.Contains(md.String(), "then 3 rounds (2 finished) of one run") {
		t.Errorf("report of an unfinished run does not say so:\n%s", &md)
	}
}

// TestFilesRaw parses the raw file back with benchfmt, as benchstat does:
// every result carries its file, and nothing else that differs between
// the files, so "benchstat -col file" puts them in one table.
func TestFilesRaw(t *testing.T) {
	s, _, _, _ := runFilesFixture(t)
	s.Files[2].Results[1].Runs = nil
	s.Files[2].Results[1].Failure = "timed run 1: wrong output: output differs\n10000 stations with wrong values"
	var b bytes.Buffer
	if err := WriteFilesRaw(&b, s); err != nil {
		t.Fatal(err)
	}
	golden(t, "files-raw.golden", b.String())

	r := benchfmt.NewReader(bytes.NewReader(b.Bytes()), "files.txt")
	got := map[string][]float64{} // "file solution" -> walls
	var configs []string
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			t.Fatalf("benchfmt: %v", r.Result())
		}
		var cfg []string
		for _, c := range res.Config {
			if c.Key != KeyFile {
				cfg = append(cfg, c.Key+"="+string(c.Value))
			}
		}
		if c := strings.Join(cfg, " "); !slices.Contains(configs, c) {
			configs = append(configs, c)
		}
		wall, _ := res.Value("sec/op")
		name := string(res.Name)
		key := res.GetConfig(KeyFile) + " " + name[strings.Index(name, "=")+1:]
		got[key] = append(got[key], math.Round(wall*10)/10)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string][]float64{
		"data/m100m-classic.txt 24-wide": {2.4, 3.6, 2.5}, "data/m100m-classic.txt 25-adaptive": {2.4, 3.7, 2.4},
		"data/m100m-10k.txt 24-wide": {4.3, 6.6, 4.4}, "data/m100m-10k.txt 25-adaptive": {4.2, 6.4, 4.5},
		"data/m100m-numbered.txt 24-wide": {3.3, 4.8, 3.2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result lines by file and solution\n got %v\nwant %v", got, want)
	}
	if len(configs) != 1 || strings.Contains(configs[0], "rows=") || !strings.Contains(configs[0], "schedule=rounds") {
		t.Errorf("configurations besides the file %q: want one, without rows, bytes or stations", configs)
	}
	for _, line := range []string{
		"# onebrc file=data/m100m-10k.txt stations: 10000\n",
		"# onebrc file=data/m100m-numbered.txt solution=25-adaptive failed: timed run 1: wrong output: output differs; 10000 stations with wrong values\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("raw file lacks %q", line)
		}
	}
	if _, err := ReadRaw(bytes.NewReader(b.Bytes()), "files.txt"); err == nil || !strings.Contains(err.Error(), `this is the raw file of "run files"`) {
		t.Errorf("ReadRaw of a files raw file = %v, want it refused", err)
	}

	// Nothing passed: the shared configuration is still there.
	none := FilesSuite{Config: filesFixtureConfig()[:2], Files: []FileResults{{Path: "a.txt", Results: []Result{{Name: "x", Failure: "boom"}}}}}
	b.Reset()
	if err := WriteFilesRaw(&b, none); err != nil || !strings.HasPrefix(b.String(), "goos: linux\ngoarch: amd64\n\n# onebrc file=a.txt rows: 0\n") {
		t.Errorf("raw file without results (%v):\n%s", err, &b)
	}
	if err := WriteFilesRaw(&b, FilesSuite{Config: []Config{{KeyFile, "a.txt"}}}); err == nil {
		t.Errorf("WriteFilesRaw accepted file as a shared key")
	}
	dir := t.TempDir()
	raw := filepath.Join(dir, FilesRawFileName(time.Date(2026, 12, 6, 5, 30, 0, 0, time.UTC), "bench-box"))
	if err := SaveFilesRaw(raw, s); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(raw) != "files-2026-12-06T053000Z-bench-box.txt" {
		t.Errorf("raw file named %s", filepath.Base(raw))
	}
	if _, err := NewestRawFile(dir); !errors.Is(err, ErrNoRawFile) {
		t.Errorf("NewestRawFile took the files raw file for a benchmark's: %v", err)
	}
}

func TestParseMemAvailable(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"MemTotal:       24683748 kB\nMemFree:        15731556 kB\nMemAvailable:   24196476 kB\n", 24196476 << 10, ""},
		{"MemTotal:       24683748 kB\n", 0, "harness: memory available: no MemAvailable line in /proc/meminfo"},
		{"MemAvailable:   lots kB\n", 0, `harness: memory available: strconv.ParseInt: parsing "lots": invalid syntax`},
		{"MemAvailable:   12\n", 0, `harness: memory available: malformed line "MemAvailable:   12" in /proc/meminfo`},
	}
	for _, tt := range tests {
		got, err := parseMemAvailable(strings.NewReader(tt.in))
		if got != tt.want || (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
			t.Errorf("parseMemAvailable(%q) = %d, %v; want %d, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestCheckMemory: the refusal, with the available memory injected.
func TestCheckMemory(t *testing.T) {
	avail := func(n int64) func() (int64, error) { return func() (int64, error) { return n, nil } }
	if got, err := CheckMemory(3<<30, avail(4<<30)); err != nil || got != 4<<30 {
		t.Errorf("CheckMemory(3 GiB, 4 GiB) = %d, %v; want it to pass", got, err)
	}
	if got, err := CheckMemory(4<<30, avail(4<<30)); err != nil || got != 4<<30 {
		t.Errorf("CheckMemory(4 GiB, 4 GiB) = %d, %v; want it to pass: it fits exactly", got, err)
	}
	_, err := CheckMemory(31<<30, avail(23<<30))
	want := "harness: the data files do not fit in memory together: they take 31.0 GiB, and 23.0 GiB is available (MemAvailable in /proc/meminfo, which counts the page cache they occupy): the rounds would time the disk; use smaller files, such as 100M rows (go run ./cmd/gen --rows 100M --stations 10k --out data/m100m-10k.txt)"
	if !errors.Is(err, ErrFilesTooLarge) || err.Error() != want {
		t.Errorf("CheckMemory(31 GiB, 23 GiB) = %v\nwant %s", err, want)
	}
	unknown := func() (int64, error) { return 0, errors.New("no /proc") }
	if got, err := CheckMemory(1<<40, unknown); got != -1 || err != nil {
		t.Errorf("CheckMemory with the memory unknown = %d, %v; want -1, nil", got, err)
	}
}

func TestStatDataFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeTemp(t, dir, "a.txt", "Hamburg;12.0\n")
	writeTemp(t, dir, "a.out", "{Hamburg=12.0/12.0/12.0}\n")
	b := writeTemp(t, dir, "b.txt", "Hamburg;12.0\nBulawayo;8.9\n")
	writeTemp(t, dir, "b.out", "{Bulawayo=8.9/8.9/8.9, Hamburg=12.0/12.0/12.0}\n")
	noOut := writeTemp(t, dir, "c.txt", "Hamburg;12.0\n")
	if err := os.Mkdir(filepath.Join(dir, "d.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	if total, largest, err := StatDataFiles([]string{a, b}); err != nil || total != 13+26 || largest != 26 {
		t.Errorf("StatDataFiles(a, b) = %d, %d, %v; want 39, 26", total, largest, err)
	}
	for _, tt := range []struct {
		paths []string
		err   string
	}{
		{[]string{a, noOut}, "harness: " + noOut + " has no expected answer beside it (cmd/gen writes one with the data): stat " + filepath.Join(dir, "c.out") + ": no such file or directory"},
		{[]string{a, filepath.Join(dir, "missing.txt")}, "harness: stat " + filepath.Join(dir, "missing.txt") + ": no such file or directory"},
		{[]string{a, filepath.Join(dir, "d.txt")}, "harness: " + filepath.Join(dir, "d.txt") + " is not a regular file"},
		{[]string{a, b, dir + "/./a.txt"}, "harness: " + a + " and " + dir + "/./a.txt are the same file"},
	} {
		if _, _, err := StatDataFiles(tt.paths); err == nil || err.Error() != tt.err {
			t.Errorf("StatDataFiles(%q) = %v\nwant %s", tt.paths, err, tt.err)
		}
	}
}

// The progress lines of a run with a failure.
func TestFilesReporter(t *testing.T) {
	var b bytes.Buffer
	r := NewFilesReporter(&b, []string{"data/a.txt", "data/long-name.txt"}, []string{"01-x", "02-longer"})
	for _, e := range []FilesEvent{
		{Kind: FilesEventBuild, Solution: "01-x"},
		{Kind: FilesEventBuild, Solution: "02-longer"},
		{Kind: FilesEventBuild, Solution: "02-longer", Failure: "harness: build 02-longer: build failed\n./main.go:3:1: syntax error"},
		{Kind: FilesEventWarmup, Run: 1, Rounds: 2},
		{Kind: FilesEventRun, Solution: "01-x", File: "data/a.txt", Phase: PhaseWarmup, Run: 1, Wall: 1234 * time.Millisecond, User: 2345 * time.Millisecond},
		{Kind: FilesEventRound, Round: 1, Rounds: 2},
		{Kind: FilesEventRun, Solution: "01-x", File: "data/long-name.txt", Phase: PhaseTimed, Round: 1, Failure: "wrong output: output differs\n3 missing stations"},
	} {
		r.Event(e)
	}
	want := `Building 01-x
Building 02-longer
  ✗ 02-longer: harness: build 02-longer: build failed; ./main.go:3:1: syntax error
Warm-up: 1 run of each solution on each file
  data/a.txt          01-x         1.234 s  user   2.345 s
Round 1/2
  data/long-name.txt  01-x       ✗ wrong output: output differs
`
	if b.String() != want {
		t.Errorf("progress\n%s\nwant\n%s", &b, want)
	}
}

// TestOtherDataFiles: the .txt files with a .out beside them, but those
// kept (by any name), in name order; not a .txt without its .out, an
// .out alone, another extension or a directory.
func TestOtherDataFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.txt", "b.out", "a.txt", "a.out", "k.txt", "k.out", "lone.txt", "only.out", "m.csv", "m.out"} {
		writeTemp(t, dir, name, "Hamburg;12.0\n")
	}
	if err := os.Mkdir(filepath.Join(dir, "d.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTemp(t, dir, "d.out", "{}\n")
	keep := filepath.Join(t.TempDir(), "alias") // another name for k.txt
	if err := os.Symlink(filepath.Join(dir, "k.txt"), keep); err != nil {
		t.Fatal(err)
	}
	got, err := OtherDataFiles(dir, []string{keep, filepath.Join(dir, "gone.txt")})
	if want := []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")}; err != nil || !slices.Equal(got, want) {
		t.Errorf("OtherDataFiles = %q, %v; want %q", got, err, want)
	}
	if _, err := OtherDataFiles(filepath.Join(dir, "none"), nil); err == nil {
		t.Errorf("OtherDataFiles of a missing directory: no error")
	}
}

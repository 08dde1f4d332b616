package harness

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// FileResults is every solution's result on one data file of a run of
// Files.
type FileResults struct {
	Path     string // the data file, as given and passed to the solutions
	Rows     int64  // its rows
	Bytes    int64  // its size
	Stations int    // entries in its expected answer
	// LargePages is Data.LargePages: the share of the file a holder
	// mapped in 2 MiB pages, or "" when unknown.
	LargePages string
	// Results holds one Result per solution, in the solutions' order.
	// Every solution runs once a round, on every file, from round 1
	// until it fails or the rounds end, so the i-th timed run of a
	// Result is its run of round i+1, whatever the file.
	Results []Result
}

// FilesSuite is a run of Files: the configuration shared by every file
// (machine, commit, command, page cache, schedule), the files in the order
// given, the first being the base the others are compared with, and how
// many rounds were planned and finished.
type FilesSuite struct {
	Config []Config
	Files  []FileResults
	Warmup int // warm-up runs per solution and file
	Rounds int // timed rounds planned
	Done   int // timed rounds finished
}

// Get returns the value of the shared configuration key k, or "".
func (s *FilesSuite) Get(k string) string {
	for _, c := range s.Config {
		if c.Key == k {
			return c.Value
		}
	}
	return ""
}

// Solutions returns the names of the solutions, in the order they ran.
func (s *FilesSuite) Solutions() []string {
	var names []string
	if len(s.Files) > 0 {
		for _, r := range s.Files[0].Results {
			names = append(names, r.Name)
		}
	}
	return names
}

// clone returns a copy of s that shares nothing Files changes later.
func (s FilesSuite) clone() FilesSuite {
	c := s
	c.Config = slices.Clone(s.Config)
	c.Files = slices.Clone(s.Files)
	for i := range c.Files {
		c.Files[i].Results = slices.Clone(c.Files[i].Results)
		for j := range c.Files[i].Results {
			c.Files[i].Results[j].Runs = slices.Clone(c.Files[i].Results[j].Runs)
		}
	}
	return c
}

// FilesOptions configure Files.
type FilesOptions struct {
	// Solutions to time, in order.
	Solutions []Solution
	// Data are the data files, in order, at least two; the first is the
	// base of the comparison (see CompareRounds).
	Data []Data
	// Runner executes the programs (ProcessRunner, or a fake in tests).
	Runner Runner
	// Build compiles a solution and returns its binary's path. Files
	// builds every solution once, before any run.
	Build func(ctx context.Context, s Solution) (string, error)
	// Warmup is the number of warm-up runs of each solution on each file
	// (verified, not timed), at least 0.
	Warmup int
	// Rounds is the number of timed rounds, at least 1.
	Rounds int
	// Timeout kills a run (its whole process group) after this long; 0
	// means never.
	Timeout time.Duration
	// Config is the shared configuration (MachineConfig, the command
	// line, KeyPageCache, KeySchedule), copied into the FilesSuite.
	Config []Config
	// Progress, when not nil, receives a FilesEvent at each step.
	Progress func(FilesEvent)
	// Record, when not nil, is called with the suite so far once the
	// warm-ups are done and after each round; an error from it stops
	// Files.
	Record func(FilesSuite) error
	// Visit, when not nil, makes Files take one file at a time (the CLI's
	// --one-at-a-time, for files that do not fit in memory together):
	// Files calls Visit(ctx, f) before the runs of Data[f] whenever the
	// schedule moves to that file from another one (or at the start), and
	// the leave function it returned when the schedule moves on or Files
	// returns. The schedule is the same: its order already keeps the runs
	// of a file together (so a file is visited once a round, plus once for
	// its warm-ups), and the last file of a round is the first of the
	// next. Visit returns the share of the file it holds in 2 MiB pages
	// (negative when unknown); FileResults.LargePages is the lowest of
	// the file's visits. An error from Visit stops Files with that error.
	Visit func(ctx context.Context, f int) (leave func(), largePages float64, err error)
}

// FilesEventKind says what a FilesEvent reports.
type FilesEventKind int

// The kinds of FilesEvent, in the order Files sends them.
const (
	FilesEventBuild  FilesEventKind = iota // Solution is being built; a second one with Failure set when the build failed
	FilesEventWarmup                       // the warm-up runs begin (Run: warm-up runs per solution and file)
	FilesEventRound                        // round Round of Rounds begins
	FilesEventRun                          // a run ended (Phase, Round, Run, Solution, File, Wall, User, Failure)
)

// FilesEvent is one step of Files's progress.
type FilesEvent struct {
	Kind     FilesEventKind
	Solution string
	File     string
	Phase    string        // FilesEventRun: PhaseWarmup or PhaseTimed
	Round    int           // the round (1-based) of a timed run or of FilesEventRound
	Rounds   int           // rounds planned
	Run      int           // FilesEventRun: the warm-up run's number; FilesEventWarmup: warm-up runs per pair
	Wall     time.Duration // FilesEventRun: the run's wall time
	User     time.Duration // FilesEventRun: its user CPU time
	// Failure is why the run (or the build) failed, "" when it passed.
	// The solution runs no more.
	Failure string
}

// Files times every solution on every data file in rounds, so that each
// file's time can be compared with the first file's round by round
// (CompareRounds): a shared machine's speed drifts over minutes, and two
// files timed one after the other would compare two speeds of the
// machine as much as two files.
//
// The schedule: every solution is built once, in order; then each
// (file, solution) pair gets its opts.Warmup warm-up runs, one pair after
// the other, files in order and solutions in order within a file; then
// each of opts.Rounds rounds runs every pair once, in that order on odd
// rounds and in the reverse order on even ones (as Bench's rounds do).
//
// Every run, warm-ups included, must exit cleanly and print the file's
// expected answer. A solution that fails to build, crashes, times out or
// prints a wrong answer has its Failure recorded on the file where it
// happened (a build failure on every file) with no timed runs there, and
// runs no more, on any file; its runs on the other files stay, each of
// them verified. The other solutions go on. When every solution has
// stopped, so do the rounds.
//
// With opts.Visit, the files are taken one at a time (see
// FilesOptions.Visit) in the same order.
//
// When ctx is cancelled (Ctrl-C), or a visit fails, Files returns the
// suite as it was at the end of the last finished round (or of the
// warm-ups), dropping the runs of the interrupted round so that every
// file keeps the same rounds, with ctx's error or the visit's.
func Files(ctx context.Context, opts FilesOptions) (FilesSuite, error) {
	switch {
	case len(opts.Data) < 2:
		return FilesSuite{}, fmt.Errorf("harness: files: need at least two data files, got %d", len(opts.Data))
	case opts.Rounds < 1:
		return FilesSuite{}, fmt.Errorf("harness: files: need at least one round, got %d", opts.Rounds)
	}
	suite := FilesSuite{Config: slices.Clone(opts.Config), Warmup: max(opts.Warmup, 0), Rounds: opts.Rounds}
	for _, d := range opts.Data {
		f := FileResults{Path: d.Path, Rows: d.Size.Rows, Bytes: d.Size.Bytes, Stations: d.Stations, LargePages: d.LargePages}
		for _, s := range opts.Solutions {
			f.Results = append(f.Results, Result{Name: s.Name})
		}
		suite.Files = append(suite.Files, f)
	}
	last := suite.clone() // what an interrupted run returns
	emit := func(e FilesEvent) {
		if opts.Progress != nil {
			opts.Progress(e)
		}
	}
	record := func() error {
		last = suite.clone()
		if opts.Record != nil {
			return opts.Record(last.clone())
		}
		return nil
	}

	bins := make([]string, len(opts.Solutions))
	stopped := make([]bool, len(opts.Solutions))
	for i, s := range opts.Solutions {
		emit(FilesEvent{Kind: FilesEventBuild, Solution: s.Name})
		bin, err := opts.Build(ctx, s)
		switch {
		case ctx.Err() != nil:
			return last, ctx.Err()
		case err != nil:
			for f := range suite.Files {
				suite.Files[f].Results[i].Failure = err.Error()
			}
			stopped[i] = true
			emit(FilesEvent{Kind: FilesEventBuild, Solution: s.Name, Failure: err.Error()})
		}
		bins[i] = bin
	}

	// With opts.Visit, visit makes file f the one visited, leaving the
	// one before; lowest holds each file's lowest share in 2 MiB pages.
	visiting, leave := -1, func() {}
	defer func() { leave() }()
	lowest := make([]float64, len(opts.Data))
	for f := range lowest {
		lowest[f] = -1
	}
	visit := func(f int) error {
		if opts.Visit == nil || f == visiting {
			return nil
		}
		leave()
		visiting, leave = -1, func() {}
		l, large, err := opts.Visit(ctx, f)
		if err != nil {
			return err
		}
		visiting, leave = f, l
		if large >= 0 && (lowest[f] < 0 || large < lowest[f]) {
			lowest[f] = large
			suite.Files[f].LargePages = LargePagesText(large)
		}
		return nil
	}

	// run runs solution i on file f once and records it; it returns an
	// error only when ctx is cancelled or a visit fails.
	run := func(i, f int, phase string, n, round int) error {
		if err := visit(f); err != nil {
			return err
		}
		d := opts.Data[f]
		m, err := opts.Runner.Run(ctx, Command{Path: bins[i], Args: []string{d.Path}, Timeout: opts.Timeout})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fail string
		switch {
		case err != nil:
			fail = "cannot run: " + err.Error()
		case m.Failure() != "":
			fail = m.Failure()
		default:
			fail = checkAnswer(d.Expected, m.Stdout)
		}
		res := &suite.Files[f].Results[i]
		switch {
		case fail != "" && phase == PhaseWarmup:
			res.Failure = fmt.Sprintf("warm-up run %d: %s", n, fail)
		case fail != "":
			res.Failure = fmt.Sprintf("timed run %d: %s", round, fail) // its run of that round
		case phase == PhaseWarmup:
			res.Warmups++
		default:
			res.Runs = append(res.Runs, runOf(m))
		}
		if fail != "" {
			res.Runs = nil // no time for an answer that was wrong once
			stopped[i] = true
		}
		emit(FilesEvent{Kind: FilesEventRun, Solution: res.Name, File: d.Path, Phase: phase, Round: round, Rounds: opts.Rounds,
			Run: n, Wall: m.Wall, User: m.User, Failure: fail})
		return nil
	}

	// The pairs in the order of an odd round: files in order, solutions
	// in order within a file.
	type pair struct{ file, sol int }
	var pairs []pair
	for f := range opts.Data {
		for i := range opts.Solutions {
			pairs = append(pairs, pair{f, i})
		}
	}
	if suite.Warmup > 0 && slices.Contains(stopped, false) {
		emit(FilesEvent{Kind: FilesEventWarmup, Run: suite.Warmup, Rounds: opts.Rounds})
		for _, p := range pairs {
			for n := 1; n <= suite.Warmup && !stopped[p.sol]; n++ {
				if err := run(p.sol, p.file, PhaseWarmup, n, 0); err != nil {
					return last, err
				}
			}
		}
	}
	if err := record(); err != nil {
		return suite, err
	}
	for round := 1; round <= opts.Rounds && slices.Contains(stopped, false); round++ {
		emit(FilesEvent{Kind: FilesEventRound, Round: round, Rounds: opts.Rounds})
		order := slices.Clone(pairs)
		if round%2 == 0 {
			slices.Reverse(order)
		}
		for _, p := range order {
			if stopped[p.sol] {
				continue
			}
			if err := run(p.sol, p.file, PhaseTimed, 0, round); err != nil {
				return last, err
			}
		}
		suite.Done = round
		if err := record(); err != nil {
			return suite, err
		}
	}
	return suite, nil
}

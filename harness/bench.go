package harness

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
	"github.com/onebrc/onebrc/harness/profile"
	"github.com/onebrc/onebrc/verify"
)

// Data is a measurements file with its expected answer.
type Data struct {
	Path         string   // the file, as it is recorded and passed to solutions
	Size         FileSize // bytes and rows
	Stations     int      // entries in the expected answer
	Expected     []byte   // the exact expected output
	ExpectedFrom string   // where Expected came from: the .out file, or the reference aggregator
	// Resident is the fraction of the file in the page cache once
	// LoadData has read it (see Resident), or -1 where that is unknown.
	Resident float64
	// LargePages is the share of the file that a holder (run hold) mapped
	// in 2 MiB pages, as LargePagesText writes it, or "" when no holder
	// reported one. LoadData leaves it empty; the CLI sets it once it holds
	// the file. Config does not return it (see KeyLargePages).
	LargePages string
}

// WellCached is the Data.Resident from which the harness takes a file to
// be in the page cache: below it, runs read part of the file from disk.
const WellCached = 0.99

// Config returns the data's configuration keys: file, rows, bytes and
// stations.
func (d Data) Config() []Config {
	return []Config{
		{KeyFile, d.Path},
		{KeyRows, strconv.FormatInt(d.Size.Rows, 10)},
		{KeyBytes, strconv.FormatInt(d.Size.Bytes, 10)},
		{KeyStations, strconv.Itoa(d.Stations)},
	}
}

// ExpectedPath returns where the expected answer of a measurements file
// lives: beside it, with ".txt" replaced by ".out" (or ".out" appended).
func ExpectedPath(file string) string {
	return measurements.OutPath(file)
}

// ReferenceName is Data.ExpectedFrom when the answer was computed by
// verify.AggregateFile because no .out file exists.
const ReferenceName = "verify.AggregateFile (no .out file)"

// ExpectedAnswer returns the expected answer for the measurements file at
// path: its .out file (see ExpectedPath) when there is one, otherwise the
// reference aggregator's answer, which reads the whole file on one core.
// The second result says which.
func ExpectedAnswer(path string) ([]byte, string, error) {
	out := ExpectedPath(path)
	b, err := os.ReadFile(out)
	if err == nil {
		return b, out, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, "", fmt.Errorf("harness: expected answer: %w", err)
	}
	b, err = verify.AggregateFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("harness: expected answer: %w", err)
	}
	return b, ReferenceName, nil
}

// LoadData reads what the harness needs to know about the file at path:
// its size and rows (ScanFile, which also fills the page cache) and its
// expected answer (ExpectedAnswer).
//
// When less than WellCached of the file is in the page cache after that
// read, it reads the file once more: Linux keeps a page that was read
// once on its inactive list, where a file read once can push its own
// pages out while the pages of a file read twice (an earlier data file,
// say) stay; a second read promotes them. Data.Resident says how much of
// the file is in the page cache in the end.
func LoadData(ctx context.Context, path string) (Data, error) {
	size, err := ScanFile(ctx, path, 0)
	if err != nil {
		return Data{}, err
	}
	resident, err := Resident(path)
	if err == nil && resident < WellCached {
		if _, err := ScanFile(ctx, path, 0); err != nil {
			return Data{}, err
		}
		resident, err = Resident(path)
	}
	if err != nil {
		resident = -1 // unknown: not Linux, or the file cannot be mapped
	}
	exp, from, err := ExpectedAnswer(path)
	if err != nil {
		return Data{}, err
	}
	entries, err := verify.ParseOutput(exp, nil)
	if err != nil {
		return Data{}, fmt.Errorf("harness: %s: %w", from, err)
	}
	return Data{Path: path, Size: size, Stations: len(entries), Expected: exp, ExpectedFrom: from, Resident: resident}, nil
}

// LoadFreshData is LoadData on a file first dropped from the page cache
// (DropCached), so that LoadData's read brings all of it back at once and
// the runs find it cached the way one fresh read leaves it, whatever read
// it before. How the cache holds a file moves the system time of the steps
// that map it: on this project's Linux 6.18 VM, with the classic file
// dropped and read back, /proc/meminfo counted all of it in 2 MiB folios
// (FileHugePages) and the mapped steps spent 0.06-0.14 s of system time,
// even with memory full of another file; with part of it pushed out by
// another file and read back without a drop, 0.45-0.66 s (see the
// README). That state lasts only while the file stays cached: on that VM a
// DAMON scheme pages out the file pages that no process maps and that were
// used at most once in the last minute, and a full run of every step
// without a holder (see HoldMapped) found the mapped steps at 0.38-0.46 s
// again. Where DropCached is unsupported LoadFreshData returns its error.
func LoadFreshData(ctx context.Context, path string) (Data, error) {
	if err := DropCached(path); err != nil {
		return Data{}, err
	}
	return LoadData(ctx, path)
}

// Policy decides how many times each solution runs.
//
// By default (Warmup < 0, Runs == 0) a solution gets one warm-up run, then
// timed runs until it has at least MinRuns of them and at least MinTime
// of timed wall time, like hyperfine (but at most MaxRuns), and it stops early when another run
// would take the solution's total (warm-up included) past MaxTime, with
// at least one timed run. A warm-up run that takes MaxTime/2 or longer is
// kept as the only timed sample instead (Result.FirstRunTimed): a second
// run would not fit, and a run that long is its own warm-up. So each
// solution costs about max(MaxTime, one run), which keeps the slow early
// steps on the 1B-row file to a single run each.
//
// Explicit counts override this: Warmup >= 0 runs exactly that many
// warm-ups (with no single-run shortcut), and Runs > 0 takes exactly that
// many timed samples, ignoring MinRuns, MinTime and MaxTime.
type Policy struct {
	Runs    int           // timed runs; 0 means automatic
	Warmup  int           // warm-up runs; negative means automatic (one, see above)
	MinRuns int           // automatic mode: at least this many timed runs...
	MinTime time.Duration // ...and at least this much timed wall time,
	MaxTime time.Duration // ...unless the solution's total would pass this,
	MaxRuns int           // ...and never more than this many (0: no limit)
	Timeout time.Duration // kill a run (its whole process group) after this long; 0 means never
}

// DefaultPolicy is the policy of "run bench" without flags. With it, the
// whole suite on the 1B-row file on 2 cores takes about the sum over the
// solutions of max(60 s, one run).
var DefaultPolicy = Policy{
	Warmup:  -1,
	MinRuns: 10,
	MinTime: 3 * time.Second,
	MaxRuns: 100,
	MaxTime: 60 * time.Second,
	Timeout: 20 * time.Minute,
}

// Options configure Bench.
type Options struct {
	// Solutions to benchmark, in order.
	Solutions []Solution
	// Data is the measurements file and its expected answer.
	Data Data
	// Runner executes the programs (ProcessRunner, or a fake in tests).
	Runner Runner
	// Build compiles a solution and returns its binary's path. Each
	// solution is built once, just before its runs.
	Build func(ctx context.Context, s Solution) (string, error)
	// Floor, when not nil, is the command that reads every byte of the
	// data file; it is benchmarked first, under the same Policy, as the
	// FloorName row. Its output is not verified.
	Floor *Command
	// Policy says how many runs each solution gets.
	Policy Policy
	// Interleave, when set, takes the timed runs in rounds: each solution
	// that still wants runs gets one a round, in the solutions' order on
	// odd rounds and the reverse on even ones. A shared machine's speed
	// drifts over minutes; run one solution after another, and the ones
	// that ran in a slow stretch look slower than they are. Interleaved,
	// every solution meets the drift alike. Builds and warm-ups still come
	// first, one solution after another, and each solution's profile run
	// comes once its timed runs are done. Without it, each solution does
	// all its runs before the next one starts.
	Interleave bool
	// ProfileDir, when not "", asks for one extra run per solution that
	// passed, with $ONEBRC_CPUPROFILE set to ProfileDir/<name>.pprof. It
	// is verified but not timed. Result.Profile is the path relative to
	// the directory above ProfileDir (the results directory).
	ProfileDir string
	// Config is the suite's configuration (MachineConfig, Data.Config,
	// the command line), copied into the Suite.
	Config []Config
	// Progress, when not nil, receives an Event at each step.
	Progress func(Event)
	// Record, when not nil, is called with the suite so far after each
	// solution finishes; an error from it stops Bench.
	Record func(Suite) error
}

// EventKind says what an Event reports.
type EventKind int

// The kinds of Event, in the order Bench sends them for each solution.
const (
	EventStart    EventKind = iota // a solution's benchmark begins (Index, Total, Name)
	EventBuild                     // it is being built
	EventRunStart                  // a run begins (Phase, Run, Runs, Estimate)
	EventRunEnd                    // a run ended (as EventRunStart, plus Wall and Failure)
	EventDone                      // the solution is finished (Result, Summary)
	// EventRound starts a round of interleaved timed runs (Options.
	// Interleave): Run is the round's number, Runs how many solutions run
	// in it. The round's runs follow, each between its solution's
	// EventRunStart and EventRunEnd, which carry the round as Round.
	EventRound
)

// Phases of a run, in Event.Phase.
const (
	PhaseWarmup  = "warm-up"
	PhaseTimed   = "timed"
	PhaseProfile = "profile"
)

// Event is one step of Bench's progress.
type Event struct {
	Kind         EventKind
	Index, Total int    // this solution is Index of Total (1-based)
	Name         string // solution name, or FloorName
	Phase        string // PhaseWarmup, PhaseTimed or PhaseProfile
	Run          int    // 1-based run number within the phase
	Runs         int    // runs planned in the phase so far (grows as the estimate settles)
	// Estimate is the median wall time of the solution's runs so far (0
	// before the first), for the current estimate and the ETA.
	Estimate time.Duration
	// Round is the round of an interleaved timed run (Options.Interleave),
	// 0 for any other. In EventStart, PhaseWarmup says that only the build
	// and warm-up follow (the timed runs come in the rounds), and
	// PhaseTimed that only the EventDone of the solution follows.
	Round   int
	Wall    time.Duration // EventRunEnd: the run's wall time
	Failure string        // EventRunEnd: why the run failed, "" if it passed
	Result  *Result       // EventDone
	Summary *Summary      // EventDone
}

// Bench benchmarks every solution in opts.Solutions (after the floor, if
// any) and returns the suite. A solution that fails to build, crashes,
// exits non-zero, times out or prints a wrong answer is recorded with its
// Failure and the others still run. When ctx is cancelled (Ctrl-C), Bench
// stops at once and returns every finished result with ctx's error; the
// interrupted solution (interleaved: every solution not finished) is left
// out. With opts.Interleave the timed runs come in rounds (see Options).
func Bench(ctx context.Context, opts Options) (Suite, error) {
	suite := Suite{Config: slices.Clone(opts.Config)}
	emit := func(e Event) {
		if opts.Progress != nil {
			opts.Progress(e)
		}
	}
	var jobs []*bencher
	add := func(name string, sol *Solution) {
		jobs = append(jobs, &bencher{opts: &opts, emit: emit, index: len(jobs) + 1, res: Result{Name: name}, sol: sol})
	}
	if opts.Floor != nil {
		add(FloorName, nil)
	}
	for i := range opts.Solutions {
		add(opts.Solutions[i].Name, &opts.Solutions[i])
	}
	// done records a solution whose runs are over, after its profile run
	// when it was interleaved and passed (not interleaved, b.run did that
	// run). The suite lists the results in the solutions' order, whatever
	// order they finish in.
	var finished []*bencher
	done := func(b *bencher) error {
		if opts.Interleave && b.ready && b.res.Failure == "" {
			if err := b.finish(ctx); err != nil {
				return err
			}
		}
		i, _ := slices.BinarySearchFunc(finished, b.index, func(f *bencher, index int) int { return f.index - index })
		finished = slices.Insert(finished, i, b)
		suite.Results = suite.Results[:0]
		for _, f := range finished {
			suite.Results = append(suite.Results, f.res)
		}
		sum := Summarize(b.res)
		if opts.Interleave {
			emit(Event{Kind: EventStart, Index: b.index, Total: len(jobs), Name: b.res.Name, Phase: PhaseTimed})
		}
		emit(Event{Kind: EventDone, Index: b.index, Total: len(jobs), Name: b.res.Name, Result: &b.res, Summary: &sum})
		if opts.Record != nil {
			return opts.Record(suite)
		}
		return nil
	}
	var waiting []*bencher // interleaved: warmed up, timed runs to come
	for _, b := range jobs {
		b.total = len(jobs)
		phase := ""
		if opts.Interleave {
			phase = PhaseWarmup
		}
		emit(Event{Kind: EventStart, Index: b.index, Total: b.total, Name: b.res.Name, Phase: phase})
		err := b.prepare(ctx)
		if err == nil && b.ready {
			if opts.Interleave {
				err = b.warmup(ctx)
			} else {
				err = b.run(ctx)
			}
		}
		if err != nil {
			return suite, err
		}
		if opts.Interleave && b.ready && b.res.Failure == "" && !b.enough() {
			waiting = append(waiting, b)
			continue
		}
		if err := done(b); err != nil {
			return suite, err
		}
	}
	for round := 1; len(waiting) > 0; round++ {
		emit(Event{Kind: EventRound, Run: round, Runs: len(waiting)})
		order := slices.Clone(waiting)
		if round%2 == 0 {
			slices.Reverse(order)
		}
		for _, b := range order {
			b.round = round
			if err := b.timed(ctx); err != nil {
				return suite, err
			}
		}
		var still []*bencher
		for _, b := range waiting {
			if b.res.Failure == "" && !b.enough() {
				still = append(still, b)
				continue
			}
			b.round = 0
			if err := done(b); err != nil {
				return suite, err
			}
		}
		waiting = still
	}
	return suite, nil
}

// bencher runs one solution (or the floor, with no Solution) under the
// policy.
type bencher struct {
	opts         *Options
	emit         func(Event)
	index, total int
	sol          *Solution // nil for the floor
	res          Result
	cmd          Command // what a run runs, once prepare has set ready
	check        bool    // verify the output (not the floor's)
	ready        bool
	round        int           // the round of the next timed run, 0 when not interleaved
	spent        time.Duration // wall time of every run so far, warm-ups included
	walls        []time.Duration
}

// prepare builds the solution and sets b.cmd and b.ready, or records the
// build's failure. It returns an error only when ctx is cancelled.
func (b *bencher) prepare(ctx context.Context) error {
	if b.sol == nil {
		b.cmd, b.ready = *b.opts.Floor, true
	} else {
		b.emit(Event{Kind: EventBuild, Index: b.index, Total: b.total, Name: b.res.Name})
		bin, err := b.opts.Build(ctx, *b.sol)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			b.res.Failure = err.Error()
			return nil
		}
		b.cmd = Command{Path: bin, Args: []string{b.opts.Data.Path}, Timeout: b.opts.Policy.Timeout}
		b.check, b.ready = true, true
	}
	if b.cmd.Timeout == 0 {
		b.cmd.Timeout = b.opts.Policy.Timeout
	}
	return nil
}

// run does the warm-up, timed and profile runs. It returns an error only
// when ctx is cancelled; a failing solution (including one the runner
// cannot start) ends with b.res.Failure set.
func (b *bencher) run(ctx context.Context) error {
	if err := b.warmup(ctx); err != nil || b.res.Failure != "" {
		return err
	}
	for !b.enough() {
		if err := b.timed(ctx); err != nil || b.res.Failure != "" {
			return err
		}
	}
	return b.finish(ctx)
}

// warmup does the warm-up runs; an automatic one that takes MaxTime/2 or
// more becomes the only timed run (Result.FirstRunTimed).
func (b *bencher) warmup(ctx context.Context) error {
	p := b.opts.Policy
	warmups, auto := p.Warmup, p.Warmup < 0
	if auto {
		warmups = 1
	}
	for i := 1; i <= warmups; i++ {
		m, fail, err := b.once(ctx, b.cmd, PhaseWarmup, i, warmups)
		if err != nil {
			return err
		}
		if fail != "" {
			b.res.Failure = fmt.Sprintf("warm-up run %d: %s", i, fail)
			return nil
		}
		if auto && p.MaxTime > 0 && m.Wall >= p.MaxTime/2 {
			b.res.FirstRunTimed = true
			b.res.Runs = append(b.res.Runs, runOf(m))
			break
		}
		b.res.Warmups++
	}
	return nil
}

// enough reports whether the solution has all the timed runs it should
// have (see planned).
func (b *bencher) enough() bool {
	n := len(b.res.Runs)
	return n >= 1 && n >= b.planned()
}

// timed does one timed run; a failure drops the runs so far.
func (b *bencher) timed(ctx context.Context) error {
	n := len(b.res.Runs)
	m, fail, err := b.once(ctx, b.cmd, PhaseTimed, n+1, max(b.planned(), n+1))
	if err != nil {
		return err
	}
	if fail != "" {
		b.res.Failure = fmt.Sprintf("timed run %d: %s", n+1, fail)
		b.res.Runs = nil
		return nil
	}
	b.res.Runs = append(b.res.Runs, runOf(m))
	return nil
}

// finish does the profile run, if one is wanted.
func (b *bencher) finish(ctx context.Context) error {
	if b.opts.ProfileDir != "" && b.res.Name != FloorName {
		return b.profile(ctx)
	}
	return nil
}

// planned returns how many timed runs the solution should have, given
// the runs so far; 0 when no estimate exists yet.
func (b *bencher) planned() int {
	p := b.opts.Policy
	if p.Runs > 0 {
		return p.Runs
	}
	if len(b.walls) == 0 {
		return 0
	}
	if b.res.FirstRunTimed {
		return 1 // the slow first run is the only sample
	}
	est := b.estimate()
	n := max(p.MinRuns, 1)
	if est > 0 && p.MinTime > 0 {
		n = max(n, int(math.Ceil(float64(p.MinTime)/float64(est))))
	}
	if p.MaxTime > 0 && est > 0 {
		// Runs that still fit in the solution's budget, on top of those done.
		left := int((p.MaxTime - b.spent) / est)
		n = min(n, len(b.res.Runs)+max(left, 0))
	}
	if p.MaxRuns > 0 {
		n = min(n, p.MaxRuns)
	}
	return max(n, 1)
}

// estimate is the median wall time of every run so far.
func (b *bencher) estimate() time.Duration {
	if len(b.walls) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(b.walls))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// once runs cmd (b.cmd, or the profile run's variant of it) one time and
// checks it: a clean exit and, when b.check is set, the expected answer.
// fail says what went wrong, "" if nothing.
func (b *bencher) once(ctx context.Context, cmd Command, phase string, run, runs int) (m Measurement, fail string, err error) {
	ev := Event{Index: b.index, Total: b.total, Name: b.res.Name, Phase: phase, Run: run, Runs: runs, Estimate: b.estimate()}
	if phase == PhaseTimed {
		ev.Round = b.round
	}
	ev.Kind = EventRunStart
	b.emit(ev)
	m, err = b.opts.Runner.Run(ctx, cmd)
	if ctx.Err() != nil {
		return m, "", ctx.Err()
	}
	if err != nil {
		fail = "cannot run: " + err.Error()
	} else {
		fail = m.Failure()
	}
	if fail == "" && b.check {
		fail = checkAnswer(b.opts.Data.Expected, m.Stdout)
	}
	if phase != PhaseProfile {
		b.spent += m.Wall
		b.walls = append(b.walls, m.Wall)
	}
	ev.Kind, ev.Wall, ev.Failure, ev.Estimate = EventRunEnd, m.Wall, fail, b.estimate()
	b.emit(ev)
	return m, fail, nil
}

// checkAnswer compares a solution's output with the expected answer and
// returns "" when they are identical, or "wrong output: " and
// verify.Compare's report.
func checkAnswer(expected, actual []byte) string {
	rep, err := verify.Compare(expected, actual)
	if err != nil {
		return "cannot check the output: " + err.Error()
	}
	if rep.Equal {
		return ""
	}
	return "wrong output: " + rep.String()
}

// profile does the extra, untimed run that writes a CPU profile.
func (b *bencher) profile(ctx context.Context) error {
	if err := os.MkdirAll(b.opts.ProfileDir, 0o755); err != nil {
		return fmt.Errorf("harness: profile: %w", err)
	}
	path := filepath.Join(b.opts.ProfileDir, b.res.Name+".pprof")
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("harness: profile: %w", err)
	}
	// A profile left by an earlier benchmark must not pass for this one.
	if err := os.Remove(abs); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("harness: profile: %w", err)
	}
	cmd := b.cmd
	cmd.Env = append(slices.Clone(cmd.Env), profile.EnvVar+"="+abs)
	_, fail, err := b.once(ctx, cmd, PhaseProfile, 1, 1)
	if err != nil {
		return err
	}
	if fail != "" {
		b.res.Failure = "profile run: " + fail
		b.res.Runs = nil
		return nil
	}
	if _, err := os.Stat(abs); err != nil {
		return nil // the solution does not call profile.Start: nothing to link
	}
	b.res.Profile = filepath.ToSlash(filepath.Join(filepath.Base(b.opts.ProfileDir), b.res.Name+".pprof"))
	return nil
}

// runOf extracts the recorded numbers from a measurement.
func runOf(m Measurement) Run {
	return Run{Wall: m.Wall, User: m.User, Sys: m.Sys, PeakRSS: m.PeakRSS, PeakAnon: m.PeakAnon}
}

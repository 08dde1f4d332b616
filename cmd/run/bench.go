package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type benchOptions struct {
	IO           *ioStreams
	File         string
	Runs         int
	Warmup       int
	Solutions    string
	SolutionsDir string
	OwnModules   bool
	Timeout      time.Duration
	MaxTime      time.Duration
	Out          string
	Profile      bool
	NoFloor      bool
	FreshCache   bool
	NoHold       bool
	Interleave   bool
	// Command is the command line, recorded in the results.
	Command string

	// Runner returns the runner; tests substitute a fake.
	Runner func() (harness.Runner, error)
	// Build returns the build function and its clean-up.
	Build func() (func(context.Context, harness.Solution) (string, error), func(), error)
	// Floor returns the command that reads every byte of the file, or nil.
	Floor func(file string) (*harness.Command, error)
	// Hold starts a process that holds the file mapped until stop.
	Hold holdFunc
	// Now is the clock that names the raw file.
	Now func() time.Time
	// Machine returns the machine's configuration keys.
	Machine func(ctx context.Context) []harness.Config
	// Drop drops a file from the page cache (harness.DropCached).
	Drop func(path string) error
}

func newCmdBench(io *ioStreams, command string, runF func(*benchOptions) error) *cobra.Command {
	opts := &benchOptions{
		IO:      io,
		Command: command,
		Runner:  func() (harness.Runner, error) { return harness.NewProcessRunner() },
		Build:   builder,
		Floor:   selfFloor,
		Hold:    selfHold,
		Now:     time.Now,
		Machine: func(ctx context.Context) []harness.Config { return harness.MachineConfig(ctx, ".") },
		Drop:    harness.DropCached,
	}
	def := harness.DefaultPolicy
	cmd := &cobra.Command{
		Use:   "bench [flags]",
		Short: "Build, verify and time every solution; write raw results and the leaderboard",
		Long: `Build every solution once, run each as its own process on --file, verify
every output (warm-up runs too) against the file's .out, and time the runs:
wall time, user and system CPU time, peak RSS and peak anonymous memory
(sampled every 10 ms, mapped file pages left out) of the whole process tree.

How many runs: by default one warm-up run, then at least 10 timed runs or
3 s of them, but no more than fit in --max-time per solution (warm-up
included), and at least one. A warm-up that takes half of --max-time or
more becomes the only timed sample ("no warm-up"): on the 1B-row file the
slow early steps run once. --runs and --warmup set exact counts instead.

In what order (--interleave, on by default): every solution is built and
warmed up in turn, then the timed runs come in rounds, one run of each
solution that still wants runs a round (in order, then in reverse order the
next round). A shared machine's speed drifts over minutes: taken one
solution after another, a solution timed in a slow stretch looks slower
than it is; in rounds the drift hits all of them alike. A solution whose
runs are done gets its profile run (--profile) and its results at the end
of the round. --interleave=false runs each solution's runs in turn.

A failure (build error, crash, non-zero exit, timeout, wrong output) is
recorded with its reason and the other solutions still run. After each
solution finishes, --out/<UTC time>-<host>.txt (Go benchmark format:
benchstat reads it) and --out/leaderboard.md are rewritten, so Ctrl-C keeps
every finished result. The first row, "floor (read every byte)", times reading the whole
file and is not verified.

On Linux --file is first dropped from the page cache and read back
(--fresh-cache, on by default there), which leaves it cached in large
folios where memory is free; the other data files beside it (the .txt
files with their .out) are dropped as well, since a large one left in the
cache would leave too few free 2 MiB blocks, and the file would come back
partly in small folios, which the mapping steps read up to 2.9x slower.
For the whole run a process of its own ("run hold") keeps every page of
it mapped, so that the file stays in the page cache as it was at the
start: a kernel that reclaims file pages nobody maps (this project's VM
runs such a DAMON scheme, see the README) would otherwise evict it while
the slow steps run, and the later steps would find it in a different
state.

Exits with status 1 if any solution failed.`,
		Example: "  run bench --file data/measurements-10M-classic-seed1.txt\n  run bench --solutions '0[89]-*' --runs 20\n  run bench --profile --max-time 20s",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.File == "":
				return flagErrorf("--file must name a measurements file")
			case opts.Out == "":
				return flagErrorf("--out must name a directory")
			}
			if err := checkPolicyFlags(opts.Runs, opts.Warmup, opts.MaxTime, opts.Timeout); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return benchRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.File, "file", "data/measurements.txt", "the measurements file; its expected answer is the .out beside it")
	f.IntVarP(&opts.Runs, "runs", "r", 0, "exact number of timed runs per solution (0: automatic)")
	f.IntVarP(&opts.Warmup, "warmup", "w", def.Warmup, "exact number of warm-up runs per solution (-1: automatic, one unless the first run is slow)")
	f.StringVar(&opts.Solutions, "solutions", "", "only the solutions whose names match this glob, e.g. '0[5-9]-*'")
	f.StringVar(&opts.SolutionsDir, "solutions-dir", "solutions", "directory holding the solutions")
	f.BoolVar(&opts.OwnModules, "own-modules", ownModulesDefault(), "include solutions with their own go.mod, such as duckdb (default: on when $WITH_DUCKDB is set)")
	f.DurationVar(&opts.Timeout, "timeout", def.Timeout, "kill a run (its whole process group) after this long; 0 for never")
	f.DurationVar(&opts.MaxTime, "max-time", def.MaxTime, "automatic mode: stop adding runs to a solution once this much time is spent on it")
	f.StringVar(&opts.Out, "out", "results", "directory for the raw results, the leaderboard and profiles")
	f.BoolVar(&opts.Profile, "profile", false, "one extra, untimed run per solution writing a CPU profile to --out/profiles/NAME.pprof")
	f.BoolVar(&opts.NoFloor, "no-floor", false, "skip the floor row (reading every byte of the file)")
	f.BoolVar(&opts.FreshCache, "fresh-cache", freshCacheDefault(), "drop --file from the page cache and read it back before timing, so that it is cached as one fresh read leaves it (Linux, where it is the default; --fresh-cache=false keeps the cache as found): how the cache holds the file moves the system time of the steps that map it")
	f.BoolVar(&opts.Interleave, "interleave", true, "take the timed runs in rounds, one run of each solution a round, so that a drift of the machine's speed hits every solution alike (--interleave=false: each solution's runs in turn)")
	f.BoolVar(&opts.NoHold, "no-hold", false, "do not keep --file mapped by a \"run hold\" process for the whole run (Linux; elsewhere it is never held)")
	return cmd
}

func benchRun(ctx context.Context, opts *benchOptions) error {
	sols, err := selectSolutions(opts.SolutionsDir, opts.Solutions, opts.OwnModules)
	if err != nil {
		return err
	}
	errOut := opts.IO.ErrOut
	if opts.FreshCache {
		if err := dropOtherData(errOut, opts.Drop, []string{opts.File}); err != nil {
			return err
		}
	}
	data, err := loadData(ctx, errOut, opts.File, opts.FreshCache)
	if err != nil {
		return err
	}
	warnNotCached(errOut, data)
	held := false
	if !opts.NoHold {
		stop, ok, large, err := startHold(ctx, opts.Hold, opts.File, errOut, "until the end")
		if err != nil {
			return err
		}
		defer stop()
		held, data.LargePages = ok, harness.LargePagesText(large)
	}
	cache := pageCache(opts.FreshCache, held)
	fmt.Fprintln(errOut)

	runner, err := opts.Runner()
	if err != nil {
		return err
	}
	build, cleanup, err := opts.Build()
	if err != nil {
		return err
	}
	defer cleanup()
	var floor *harness.Command
	if !opts.NoFloor && opts.Floor != nil {
		if floor, err = opts.Floor(opts.File); err != nil {
			return err
		}
	}

	config := opts.Machine(ctx)
	config = append(config, data.Config()...)
	schedule := harness.ScheduleInTurn
	if opts.Interleave {
		schedule = harness.ScheduleRounds
	}
	config = append(config, harness.Config{Key: harness.KeyPageCache, Value: cache})
	if data.LargePages != "" {
		config = append(config, harness.Config{Key: harness.KeyLargePages, Value: data.LargePages})
	}
	config = append(config, harness.Config{Key: harness.KeySchedule, Value: schedule}, harness.Config{Key: harness.KeyCommand, Value: opts.Command})
	host := "unknown"
	for _, c := range config {
		if c.Key == harness.KeyHost {
			host = c.Value
		}
	}
	raw := filepath.Join(opts.Out, harness.RawFileName(opts.Now(), host))
	policy := harness.DefaultPolicy
	policy.Runs, policy.Warmup, policy.MaxTime, policy.Timeout = opts.Runs, opts.Warmup, opts.MaxTime, opts.Timeout
	profileDir := ""
	if opts.Profile {
		profileDir = filepath.Join(opts.Out, "profiles")
	}

	rep := harness.NewReporter(errOut, opts.IO.ErrTerminal)
	suite, err := harness.Bench(ctx, harness.Options{
		Solutions:  sols,
		Data:       data,
		Runner:     runner,
		Build:      build,
		Floor:      floor,
		Policy:     policy,
		Interleave: opts.Interleave,
		ProfileDir: profileDir,
		Config:     config,
		Progress:   rep.Event,
		Record: func(s harness.Suite) error {
			if err := harness.SaveRaw(raw, s); err != nil {
				return err
			}
			return harness.RenderLeaderboard(opts.Out, raw)
		},
	})
	rep.Close()
	if len(suite.Results) > 0 {
		harness.WriteSummary(opts.IO.Out, suite)
		fmt.Fprintf(opts.IO.Out, "\nWrote %s and %s\n", raw, filepath.Join(opts.Out, harness.LeaderboardFile))
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && len(suite.Results) > 0 {
			fmt.Fprintf(errOut, "Interrupted: the %d finished results are kept in %s\n", len(suite.Results), raw)
		}
		return err
	}
	for _, r := range suite.Results {
		if r.Failure != "" {
			return errSilent
		}
	}
	return nil
}

// selfFloor returns the floor command: this program's hidden "floor"
// subcommand, so the floor is measured as its own process like every
// solution.
func selfFloor(file string) (*harness.Command, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	return &harness.Command{Path: exe, Args: []string{"floor", file}}, nil
}

// freshCacheDefault is the default of --fresh-cache: on where
// harness.DropCached works (Linux). A drop and a read of the file cost
// 10-30 s on the 1B-row files, against a run of half an hour whose mapped
// steps would otherwise find the file as earlier work left it.
func freshCacheDefault() bool {
	return runtime.GOOS == "linux"
}

// selfHold starts this program's hidden "hold" subcommand on file and
// returns its Stop and the share of the file it maps in 2 MiB pages, as
// its ready line says (negative when it does not).
func selfHold(ctx context.Context, file string) (func() error, float64, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, -1, fmt.Errorf("hold: %w", err)
	}
	if strings.HasSuffix(exe, ".test") {
		// A test binary would run its tests again, each starting holders.
		return nil, -1, errors.New("hold: not from a test binary (tests inject Hold or pass --no-hold)")
	}
	h, err := harness.StartHolder(ctx, harness.Command{Path: exe, Args: []string{"hold", file}})
	if err != nil {
		return nil, -1, err
	}
	large, ok := harness.ParseHolderReady(h.Ready)
	if !ok {
		large = -1
	}
	return h.Stop, large, nil
}

// warnNotCached warns on w when less than harness.WellCached of the data
// file is in the page cache after harness.LoadData read it (twice, then):
// the runs will read the rest from disk, and a slow solution's single run
// has no warm-up to hide it.
func warnNotCached(w io.Writer, d harness.Data) {
	if d.Resident >= 0 && d.Resident < harness.WellCached {
		fmt.Fprintf(w, "  Warning: only %.0f%% of %s is in the page cache after reading it twice, so runs will read the rest from disk. Does it fit in memory beside the other files in use?\n", 100*d.Resident, d.Path)
	}
}

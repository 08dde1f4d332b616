package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type scaleOptions struct {
	IO           *ioStreams
	Rows         []int64 // ascending, each once
	Cores        []int   // ascending, each once
	Solutions    string
	SolutionsDir string
	OwnModules   bool
	Stations     string
	Seed         uint64
	DataDir      string
	Out          string
	Runs         int
	Warmup       int
	Timeout      time.Duration
	MaxTime      time.Duration
	FreshCache   bool
	NoHold       bool
	Interleave   bool
	// Render re-renders the report from Raw (or the newest scale raw file
	// in Out) instead of running a sweep.
	Render bool
	Raw    string
	// Command is the command line, recorded in the results.
	Command string

	// CPUs is how many CPUs the harness may use: the largest core count.
	CPUs int
	// Runner returns the runner; tests substitute a fake.
	Runner func() (harness.Runner, error)
	// Pin confines the programs the runner starts to n CPUs.
	Pin harness.PinFunc
	// Build returns the build function and its clean-up.
	Build func() (func(context.Context, harness.Solution) (string, error), func(), error)
	// Hold starts a process that holds a data file mapped until stop.
	Hold holdFunc
	// Now is the clock that names the raw file.
	Now func() time.Time
	// Machine returns the machine's configuration keys.
	Machine func(ctx context.Context) []harness.Config
}

// defaultScaleRows is the default of --rows.
var defaultScaleRows = []string{"1e6", "1e7", "1e8", "1e9"}

// defaultCores returns the default of --cores on a machine with cpus
// CPUs: the powers of two below cpus, then cpus.
func defaultCores(cpus int) []int {
	var cs []int
	for c := 1; c < cpus; c *= 2 {
		cs = append(cs, c)
	}
	return append(cs, cpus)
}

func newCmdScale(io *ioStreams, command string, runF func(*scaleOptions) error) *cobra.Command {
	opts := &scaleOptions{
		IO:      io,
		Command: command,
		CPUs:    runtime.NumCPU(),
		Runner:  func() (harness.Runner, error) { return harness.NewProcessRunner() },
		Pin:     harness.PinCPUs,
		Build:   builder,
		Hold:    selfHold,
		Now:     time.Now,
		Machine: func(ctx context.Context) []harness.Config { return harness.MachineConfig(ctx, ".") },
	}
	def := harness.DefaultPolicy
	var rows []string
	cmd := &cobra.Command{
		Use:   "scale [flags]",
		Short: "Time the solutions against data size and core count; chart how cost grows",
		Long: `Run a scale sweep: for each size in --rows, generate the data file (or reuse
it), then for each core count in --cores build, run, verify and time every
chosen solution as "run bench" does (same --runs, --warmup, --max-time and
--timeout), without the floor row.

In what order (--interleave, on by default): at each point every solution
is built (the first time) and warmed up in turn, then the timed runs come
in rounds, one run of each solution that still wants runs a round (in
order, then in reverse order the next round), as in "run bench", so that a
drift of the machine's speed hits the solutions of a point alike. The
rounds stay within a point: the points run one after the other, each with
rounds of its own. --interleave=false runs each solution's runs at a point
in turn. The raw file and scale.md say which ("schedule: rounds" or "in
turn"). scale.md compares no two solutions at one point: its speedups and
k are ratios of one solution's medians at two points, whatever the order.

Data files: --data-dir/measurements-<rows>-<stations>-seed<seed>.txt with
rows as a plain integer (the Makefile's name for ROWS=10000000), generated
with cmd/gen's library when missing, expected answer beside it. For 1e9
classic rows with seed 1 the Makefile's default data/measurements.txt is
used when it and its .out exist. On Linux each file is dropped from the
page cache and read back before its points (--fresh-cache=false skips it),
and a "run hold" process keeps it mapped while its points run (--no-hold
skips it), as "run bench" does; the raw file and scale.md say which was
done ("page-cache: fresh, held", "fresh" where a holder did not start).

Cores: a run on n cores gets GOMAXPROCS=n in its environment and its CPU
affinity set to the first n CPUs the harness may use; the harness sets it
on its own locked thread just before the fork, so the program and all its
threads and children inherit it, and restores it afterwards.

After each solution at each point, --out/scale-<UTC time>-<host>.txt is
rewritten in Go benchmark format with rows and cores as configuration keys
(go tool benchstat -table rows -col cores FILE compares core counts), and
so are --out/scale.md and its charts scale-rows.svg (median time against
rows, log-log, at the largest core count) and scale-cores.svg (speedup
against cores at the largest size). Ctrl-C keeps every finished result.
leaderboard.md links scale.md when it is next rendered.

--render [RAW] re-renders scale.md and the charts from RAW, or from the
newest scale raw file in --out, without running anything.

Exits with status 1 if any solution failed at any point.`,
		Example: "  run scale\n  run scale --rows 1e6,1e7 --cores 1,2 --solutions '1[01]-*'\n  run scale --render",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 0 && !opts.Render:
				return flagErrorf("scale takes a RAW file only with --render, got %q", args)
			case len(args) > 1:
				return flagErrorf("scale --render takes at most one RAW file, got %d", len(args))
			case opts.Out == "":
				return flagErrorf("--out must name a directory")
			}
			if len(args) == 1 {
				opts.Raw = args[0]
			}
			if !opts.Render {
				if err := opts.check(rows); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Render {
				return scaleRenderRun(opts)
			}
			return scaleRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&rows, "rows", defaultScaleRows, "the data sizes, comma-separated: 1e6, 10M, 1B, 250k, 1_000_000 …")
	f.IntSliceVar(&opts.Cores, "cores", defaultCores(opts.CPUs), "the core counts, comma-separated, each at most the CPUs available")
	f.StringVar(&opts.Solutions, "solutions", "", "only the solutions whose names match this glob, e.g. '0[5-9]-*'")
	f.StringVar(&opts.SolutionsDir, "solutions-dir", "solutions", "directory holding the solutions")
	f.BoolVar(&opts.OwnModules, "own-modules", ownModulesDefault(), "include solutions with their own go.mod, such as duckdb (default: on when $WITH_DUCKDB is set)")
	f.StringVar(&opts.Stations, "stations", measurements.Classic, "the generator's station set: "+measurements.SetNames)
	f.Uint64Var(&opts.Seed, "seed", 1, "the generator's seed")
	f.StringVar(&opts.DataDir, "data-dir", "data", "directory of the data files (generated there when missing)")
	f.StringVar(&opts.Out, "out", "results", "directory for the raw results, scale.md and its charts")
	f.BoolVar(&opts.FreshCache, "fresh-cache", freshCacheDefault(), "drop each data file from the page cache and read it back before its points (the default on Linux; see run bench --fresh-cache)")
	f.BoolVar(&opts.NoHold, "no-hold", false, "do not keep each data file mapped by a \"run hold\" process while its points run (Linux; see run bench)")
	f.BoolVar(&opts.Interleave, "interleave", true, "at each point, take the timed runs in rounds, one run of each solution a round, so that a drift of the machine's speed hits every solution alike (--interleave=false: each solution's runs in turn)")
	f.IntVarP(&opts.Runs, "runs", "r", 0, "exact number of timed runs per solution and point (0: automatic)")
	f.IntVarP(&opts.Warmup, "warmup", "w", def.Warmup, "exact number of warm-up runs per solution and point (-1: automatic, one unless the first run is slow)")
	f.DurationVar(&opts.Timeout, "timeout", def.Timeout, "kill a run (its whole process group) after this long; 0 for never")
	f.DurationVar(&opts.MaxTime, "max-time", def.MaxTime, "automatic mode: stop adding runs to a solution at a point once this much time is spent on it")
	f.BoolVar(&opts.Render, "render", false, "only re-render scale.md and its charts from RAW (default: the newest scale raw file in --out)")
	return cmd
}

// check validates the sweep's flags and fills in Rows from rows.
func (opts *scaleOptions) check(rows []string) error {
	opts.Rows = nil
	for _, r := range rows {
		n, err := measurements.ParseRows(r)
		if err != nil {
			return flagErrorf("--rows: %w", err)
		}
		if n < 1 {
			return flagErrorf("--rows: %q: a data file needs at least one row", r)
		}
		opts.Rows = append(opts.Rows, n)
	}
	slices.Sort(opts.Rows)
	opts.Rows = slices.Compact(opts.Rows)
	for _, c := range opts.Cores {
		if c < 1 || c > opts.CPUs {
			return flagErrorf("--cores: %d is not between 1 and the %d CPUs available", c, opts.CPUs)
		}
	}
	slices.Sort(opts.Cores)
	opts.Cores = slices.Compact(opts.Cores)
	switch {
	case len(opts.Rows) == 0:
		return flagErrorf("--rows needs at least one size")
	case len(opts.Cores) == 0:
		return flagErrorf("--cores needs at least one core count")
	case !measurements.KnownSet(opts.Stations):
		return flagErrorf("--stations must be %s, got %q", measurements.SetNames, opts.Stations)
	case opts.DataDir == "":
		return flagErrorf("--data-dir must name a directory")
	}
	return checkPolicyFlags(opts.Runs, opts.Warmup, opts.MaxTime, opts.Timeout)
}

func scaleRun(ctx context.Context, opts *scaleOptions) error {
	sols, err := selectSolutions(opts.SolutionsDir, opts.Solutions, opts.OwnModules)
	if err != nil {
		return err
	}
	runner, err := opts.Runner()
	if err != nil {
		return err
	}
	build, cleanup, err := opts.Build()
	if err != nil {
		return err
	}
	defer cleanup()

	config := opts.Machine(ctx)
	schedule := harness.ScheduleInTurn
	if opts.Interleave {
		schedule = harness.ScheduleRounds
	}
	config = append(config,
		harness.Config{Key: harness.KeyCommand, Value: opts.Command},
		harness.Config{Key: harness.KeyStationSet, Value: opts.Stations},
		harness.Config{Key: harness.KeySeed, Value: strconv.FormatUint(opts.Seed, 10)},
		harness.Config{Key: harness.KeySchedule, Value: schedule},
	)
	host := "unknown"
	for _, c := range config {
		if c.Key == harness.KeyHost {
			host = c.Value
		}
	}
	raw := filepath.Join(opts.Out, harness.ScaleRawFileName(opts.Now(), host))
	policy := harness.DefaultPolicy
	policy.Runs, policy.Warmup, policy.MaxTime, policy.Timeout = opts.Runs, opts.Warmup, opts.MaxTime, opts.Timeout

	errOut := opts.IO.ErrOut
	fmt.Fprintf(errOut, "Scale sweep: %d solutions at %d points (%d sizes × %d core counts)\n\n",
		len(sols), len(opts.Rows)*len(opts.Cores), len(opts.Rows), len(opts.Cores))
	// The data file of the points running now is held mapped (see run
	// bench); stopHold lets it go before the next file is read.
	stopHold := func() {}
	defer func() { stopHold() }()
	held := !opts.NoHold // every data file so far was held
	rep := harness.NewReporter(errOut, opts.IO.ErrTerminal)
	suite, err := harness.Scale(ctx, harness.ScaleOptions{
		Solutions: sols,
		Rows:      opts.Rows,
		Cores:     opts.Cores,
		Data: func(ctx context.Context, rows int64) (harness.Data, error) {
			stopHold()
			stopHold = func() {}
			d, err := harness.LoadScaleData(ctx, opts.DataDir, rows, opts.Stations, opts.Seed, opts.FreshCache, func(path string, size int64) {
				fmt.Fprintf(errOut, "Generating %s (%d rows, about %s)\n", path, rows, measurements.FormatBytes(size))
			})
			if err == nil {
				fmt.Fprintf(errOut, "Data: %s: %d rows, %s, %d stations; expected answer: %s\n",
					d.Path, d.Size.Rows, harness.FormatBytes(float64(d.Size.Bytes)), d.Stations, d.ExpectedFrom)
				warnNotCached(errOut, d)
				if !opts.NoHold {
					var herr error
					var ok bool
					if stopHold, ok, _, herr = startHold(ctx, opts.Hold, d.Path, errOut, "while its points run"); herr != nil {
						return d, herr
					}
					held = held && ok
				}
				fmt.Fprintln(errOut)
			}
			return d, err
		},
		Runner:     func(cores int) harness.Runner { return harness.OnCores(runner, cores, opts.Pin) },
		Build:      build,
		Policy:     policy,
		Interleave: opts.Interleave,
		Config:     config,
		Point: func(p harness.ScalePoint, index, total int) {
			fmt.Fprintf(errOut, "Point %d/%d: %d rows on %s\n\n", index, total, p.Rows, plural(p.Cores, "core"))
		},
		Progress: rep.Event,
		Record: func(s harness.ScaleSuite) error {
			// How the page cache held the data files is known once they
			// are read: the same for all of them but where a holder did
			// not start.
			s.Config = append(slices.DeleteFunc(slices.Clone(s.Config), func(c harness.Config) bool {
				return c.Key == harness.KeyPageCache
			}), harness.Config{Key: harness.KeyPageCache, Value: pageCache(opts.FreshCache, held)})
			if err := harness.SaveScaleRaw(raw, s); err != nil {
				return err
			}
			return harness.RenderScale(opts.Out, raw)
		},
	})
	rep.Close()
	if len(suite.Points) > 0 {
		fmt.Fprintf(opts.IO.Out, "Wrote %s, %s, %s and %s\n", raw, filepath.Join(opts.Out, harness.ScaleFile),
			filepath.Join(opts.Out, harness.ScaleRowsChartFile), filepath.Join(opts.Out, harness.ScaleCoresChartFile))
		leaderboardHint(opts)
	}
	var failed []string // "NAME (at k of n points)"
	count := map[string]int{}
	for _, p := range suite.Points {
		for _, r := range p.Results {
			if r.Failure != "" {
				if count[r.Name] == 0 {
					failed = append(failed, r.Name)
				}
				count[r.Name]++
			}
		}
	}
	for i, name := range failed {
		failed[i] = fmt.Sprintf("%s (at %d of %s)", name, count[name], plural(len(suite.Points), "point"))
	}
	if len(failed) > 0 {
		fmt.Fprintf(opts.IO.Out, "Failed: %s; see %s\n", strings.Join(failed, ", "), filepath.Join(opts.Out, harness.ScaleFile))
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && len(suite.Points) > 0 {
			fmt.Fprintf(errOut, "Interrupted: the finished results are kept in %s\n", raw)
		}
		return err
	}
	if len(failed) > 0 {
		return errSilent
	}
	return nil
}

// scaleRenderRun re-renders the report and charts from a raw file.
func scaleRenderRun(opts *scaleOptions) error {
	raw := opts.Raw
	if raw == "" {
		var err error
		if raw, err = harness.NewestScaleRawFile(opts.Out); err != nil {
			return err
		}
	}
	if err := harness.RenderScale(opts.Out, raw); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Wrote %s, %s and %s from %s\n", filepath.Join(opts.Out, harness.ScaleFile),
		filepath.Join(opts.Out, harness.ScaleRowsChartFile), filepath.Join(opts.Out, harness.ScaleCoresChartFile), raw)
	leaderboardHint(opts)
	return nil
}

// leaderboardHint says how to link scale.md from a leaderboard that does
// not link it yet.
func leaderboardHint(opts *scaleOptions) {
	lb, err := os.ReadFile(filepath.Join(opts.Out, harness.LeaderboardFile))
	if err != nil || bytes.Contains(lb, []byte("("+harness.ScaleFile+")")) {
		return
	}
	fmt.Fprintf(opts.IO.Out, "%s links %s from its next rendering: go run ./cmd/run leaderboard [RAW]\n",
		filepath.Join(opts.Out, harness.LeaderboardFile), harness.ScaleFile)
}

// plural is "1 core" or "n cores".
func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

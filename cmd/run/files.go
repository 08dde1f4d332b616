package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type filesOptions struct {
	IO           *ioStreams
	Files        []string // at least two; the first is the base
	Solutions    string
	SolutionsDir string
	OwnModules   bool
	Runs         int // timed rounds
	Warmup       int // warm-up runs per solution and file
	Timeout      time.Duration
	Out          string
	FreshCache   bool
	NoHold       bool
	// OneAtATime keeps one file in the page cache at a time (see the
	// command's help); filesRun turns it on when the files do not fit
	// in memory together.
	OneAtATime bool
	// Command is the command line, recorded in the results.
	Command string

	// Runner returns the runner; tests substitute a fake.
	Runner func() (harness.Runner, error)
	// Build returns the build function and its clean-up.
	Build func() (func(context.Context, harness.Solution) (string, error), func(), error)
	// Hold starts a process that holds a file mapped until stop.
	Hold holdFunc
	// Now is the clock that names the raw file and dates the report.
	Now func() time.Time
	// Machine returns the machine's configuration keys.
	Machine func(ctx context.Context) []harness.Config
	// Available returns the memory available (harness.MemAvailable).
	Available func() (int64, error)
	// Drop drops a file from the page cache (harness.DropCached).
	Drop func(path string) error
}

func newCmdFiles(io *ioStreams, command string, runF func(*filesOptions) error) *cobra.Command {
	opts := &filesOptions{
		IO:        io,
		Command:   command,
		Runner:    func() (harness.Runner, error) { return harness.NewProcessRunner() },
		Build:     builder,
		Hold:      selfHold,
		Now:       time.Now,
		Machine:   func(ctx context.Context) []harness.Config { return harness.MachineConfig(ctx, ".") },
		Available: harness.MemAvailable,
		Drop:      harness.DropCached,
	}
	cmd := &cobra.Command{
		Use:   "files [flags] FILE FILE...",
		Short: "Time solutions on several data files in rounds; compare each file with the first round by round",
		Long: `Time the chosen solutions on two or more data files in rounds across the
files, and compare each file's times with the first file's round by round:
how many times longer does a step take on the 10k-names file than on the
classic one? On a shared machine whose speed swings by 2x within minutes,
two "run bench" runs, one per file, give a loose ratio; here the runs of
the files alternate, so a round meets the machine at one speed.

Before anything is built, each FILE must have its expected answer beside
it (FILE with .txt replaced by .out, as cmd/gen writes it; there is no
reference aggregator here), and the files should fit in the memory
available together (on Linux the MemAvailable of /proc/meminfo, which
already counts the page cache they occupy; for files that do not, see
below). 100M-row files (1.4 GB classic, 1.7 GB 10k) give the ratio in a
few minutes.

Then, as run bench: each file is dropped from the page cache and read back
(--fresh-cache, on by default on Linux; the other data files beside them
are dropped too) and held mapped by a "run hold" process until the end
(--no-hold skips it); every solution is built once.

Files that do not fit in memory together (the 1B-row classic and 10k
files, 13.8 and 17.3 GB, on a machine with 24 GiB) are taken one at a
time (--one-at-a-time, chosen by itself then, where --fresh-cache is on;
without it they are refused, since the rounds would time the disk): each
file is read once up front for its rows, then, before its runs, every file
is dropped from the page cache and that one read back and held until the
schedule moves on. The schedule is the same, so that happens once a round
(and once for a file's warm-ups): a file's run and the first file's in the
same round are then a read-back apart (10-30 s for a 1B-row file), not
seconds. Each file must fit on its own.

The schedule: the warm-up runs (--warmup per solution and file) pair by
pair, files in the given order and solutions in order within a file; then
--runs rounds, each running every (file, solution) pair once in that order,
the whole order reversed every other round. Every run, warm-ups too, is
verified against its file's .out; a failure is recorded with its reason
and that solution runs no more, on any file, while the others go on.

Each run's wall, user and system time, peak RSS and peak anonymous memory
of the whole process tree are recorded in --out/files-<UTC time>-<host>.txt
(Go benchmark format, rewritten after every round, so Ctrl-C keeps the
finished rounds): "go tool benchstat -col file RAW" puts the files side by
side. --out/files.md and the summary on standard output give, for each
solution and file, the median wall and user times and, for each file after
the first, the ratio to the first as the median of the rounds' ratios (wall
and user), its min-max over the rounds, and in how many rounds the file was
slower.

Exits with status 1 if any solution failed.`,
		Example: "  run files --solutions 25-adaptive-rounds data/m100m-classic.txt data/m100m-10k.txt\n" +
			"  run files --solutions '2[2-5]-*' --runs 12 data/m100m-classic.txt data/m100m-10k.txt data/m100m-numbered.txt",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) < 2:
				return flagErrorf("files needs at least two measurements FILEs to compare, got %d", len(args))
			case opts.Out == "":
				return flagErrorf("--out must name a directory")
			case opts.Runs < 1:
				return flagErrorf("--runs must be at least 1, got %d", opts.Runs)
			case opts.Warmup < 0:
				return flagErrorf("--warmup must be at least 0, got %d", opts.Warmup)
			case opts.Timeout < 0:
				return flagErrorf("--timeout must not be negative, got %s", opts.Timeout)
			case opts.OneAtATime && !opts.FreshCache:
				return flagErrorf("--one-at-a-time drops the files from the page cache and reads them back: it needs --fresh-cache")
			}
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return filesRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Solutions, "solutions", "", "only the solutions whose names match this glob, e.g. '2[45]-*' (default: all)")
	f.StringVar(&opts.SolutionsDir, "solutions-dir", "solutions", "directory holding the solutions")
	f.BoolVar(&opts.OwnModules, "own-modules", ownModulesDefault(), "include solutions with their own go.mod, such as duckdb (default: on when $WITH_DUCKDB is set)")
	f.IntVarP(&opts.Runs, "runs", "r", 8, "timed rounds: runs of each solution on each file")
	f.IntVarP(&opts.Warmup, "warmup", "w", 1, "warm-up runs of each solution on each file (verified, not timed)")
	f.DurationVar(&opts.Timeout, "timeout", harness.DefaultPolicy.Timeout, "kill a run (its whole process group) after this long; 0 for never")
	f.StringVar(&opts.Out, "out", "results/files", "directory for the raw results and files.md")
	f.BoolVar(&opts.FreshCache, "fresh-cache", freshCacheDefault(), "drop each file from the page cache and read it back before timing (Linux, where it is the default; see run bench)")
	f.BoolVar(&opts.NoHold, "no-hold", false, "do not keep each file mapped by a \"run hold\" process for the whole run (Linux; elsewhere they are never held)")
	f.BoolVar(&opts.OneAtATime, "one-at-a-time", false, "keep one file in the page cache at a time: before a file's runs, drop every file and read that one back (needs --fresh-cache; chosen by itself when the files do not fit in memory together)")
	return cmd
}

func filesRun(ctx context.Context, opts *filesOptions) error {
	sols, err := selectSolutions(opts.SolutionsDir, opts.Solutions, opts.OwnModules)
	if err != nil {
		return err
	}
	errOut := opts.IO.ErrOut
	total, largest, err := harness.StatDataFiles(opts.Files)
	if err != nil {
		return err
	}
	oneAtATime := opts.OneAtATime
	need := total
	if oneAtATime {
		need = largest
	}
	avail, err := harness.CheckMemory(need, opts.Available)
	switch {
	case errors.Is(err, harness.ErrFilesTooLarge) && !oneAtATime && opts.FreshCache && largest <= avail:
		oneAtATime = true
		fmt.Fprintf(errOut, "Memory: the files take %s together, more than the %s available (MemAvailable), the largest %s: one file at a time (--one-at-a-time)\n",
			harness.FormatBytes(float64(total)), harness.FormatBytes(float64(avail)), harness.FormatBytes(float64(largest)))
	case err != nil:
		return err
	case avail < 0:
		fmt.Fprintf(errOut, "Memory: the files take %s together; the memory available is unknown here (no %s), so that they fit is not checked\n",
			harness.FormatBytes(float64(total)), harness.MemInfoPath)
	case oneAtATime:
		fmt.Fprintf(errOut, "Memory: the largest file takes %s, %s is available (MemAvailable); one file at a time\n", harness.FormatBytes(float64(largest)), harness.FormatBytes(float64(avail)))
	default:
		fmt.Fprintf(errOut, "Memory: the files take %s together, %s is available (MemAvailable)\n", harness.FormatBytes(float64(total)), harness.FormatBytes(float64(avail)))
	}

	if opts.FreshCache {
		if err := dropOtherData(errOut, opts.Drop, opts.Files); err != nil {
			return err
		}
	}
	// Each file is loaded, then held, before the next is read; one at a
	// time, each is only read here, and visit does the rest.
	var data []harness.Data
	held := !opts.NoHold
	for _, file := range opts.Files {
		d, err := loadData(ctx, errOut, file, opts.FreshCache && !oneAtATime)
		if err != nil {
			return err
		}
		if oneAtATime {
			data = append(data, d)
			continue
		}
		warnNotCached(errOut, d)
		if !opts.NoHold {
			stop, ok, large, err := startHold(ctx, opts.Hold, file, errOut, "until the end")
			if err != nil {
				return err
			}
			defer stop()
			held, d.LargePages = held && ok, harness.LargePagesText(large)
		}
		data = append(data, d)
	}
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

	var visit func(ctx context.Context, f int) (func(), float64, error)
	schedule := harness.ScheduleRounds
	if oneAtATime {
		visit = func(ctx context.Context, f int) (func(), float64, error) {
			return visitFile(ctx, opts, data, f, &held)
		}
		schedule = harness.ScheduleOneFile
	}
	config := append(opts.Machine(ctx),
		harness.Config{Key: harness.KeyPageCache, Value: pageCache(opts.FreshCache, held)},
		harness.Config{Key: harness.KeySchedule, Value: schedule},
		harness.Config{Key: harness.KeyCommand, Value: opts.Command},
	)
	host := "unknown"
	for _, c := range config {
		if c.Key == harness.KeyHost {
			host = c.Value
		}
	}
	started := opts.Now()
	name := harness.FilesRawFileName(started, host)
	raw, md := filepath.Join(opts.Out, name), filepath.Join(opts.Out, harness.FilesFile)
	var names []string
	for _, s := range sols {
		names = append(names, s.Name)
	}
	rep := harness.NewFilesReporter(errOut, opts.Files, names)
	wrote := false // the raw file and files.md exist
	suite, err := harness.Files(ctx, harness.FilesOptions{
		Solutions: sols,
		Data:      data,
		Runner:    runner,
		Build:     build,
		Warmup:    opts.Warmup,
		Rounds:    opts.Runs,
		Timeout:   opts.Timeout,
		Config:    config,
		Progress:  rep.Event,
		Visit:     visit,
		Record: func(s harness.FilesSuite) error {
			// One file at a time, a holder that did not start at a visit
			// is known only then.
			for i, c := range s.Config {
				if c.Key == harness.KeyPageCache {
					s.Config[i].Value = pageCache(opts.FreshCache, held)
				}
			}
			if err := harness.SaveFilesRaw(raw, s); err != nil {
				return err
			}
			wrote = true
			return harness.SaveFilesReport(md, s, harness.FilesReportOptions{Raw: name, Started: started})
		},
	})
	if wrote {
		fmt.Fprintln(errOut)
		harness.WriteFilesSummary(opts.IO.Out, suite)
		fmt.Fprintf(opts.IO.Out, "\nWrote %s and %s\n", raw, md)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && wrote {
			fmt.Fprintf(errOut, "Interrupted: the %s finished are kept in %s\n", plural(suite.Done, "round"), raw)
		}
		return err
	}
	for _, f := range suite.Files {
		for _, r := range f.Results {
			if r.Failure != "" {
				return errSilent
			}
		}
	}
	return nil
}

// visitFile makes data[f] the one file in the page cache for its runs
// (run files --one-at-a-time, harness.FilesOptions.Visit): it drops every
// file from the page cache, reads data[f] back and, unless --no-hold,
// holds it mapped until the returned function is called. It reports on
// stderr what it did, warns as run bench does when the file did not stay
// cached or is mapped in small pages, and clears *held when a holder does
// not start. It returns the share of the file the holder maps in 2 MiB
// pages, negative when unknown.
func visitFile(ctx context.Context, opts *filesOptions, data []harness.Data, f int, held *bool) (func(), float64, error) {
	errOut := opts.IO.ErrOut
	for _, d := range data {
		if err := opts.Drop(d.Path); err != nil {
			return nil, -1, err
		}
	}
	path := data[f].Path
	fmt.Fprintf(errOut, "  Dropped the files from the page cache; reading %s back\n", path)
	d, err := harness.LoadData(ctx, path)
	if err != nil {
		return nil, -1, err
	}
	warnNotCached(errOut, d)
	if opts.NoHold {
		return func() {}, -1, nil
	}
	stop, ok, large, err := startHold(ctx, opts.Hold, path, errOut, "for its runs")
	if err != nil {
		return nil, -1, err
	}
	*held = *held && ok
	return stop, large, nil
}

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
reference aggregator here), and the files together must fit in the memory
available: on Linux the MemAvailable of /proc/meminfo, which already counts
the page cache they occupy. Larger files are refused (there is no
override): the rounds would time the disk. 100M-row files (1.4 GB classic,
1.7 GB 10k) give the ratio in a few minutes.

Then, as run bench: each file is dropped from the page cache and read back
(--fresh-cache, on by default on Linux) and held mapped by a "run hold"
process until the end (--no-hold skips it); every solution is built once.
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
	return cmd
}

func filesRun(ctx context.Context, opts *filesOptions) error {
	sols, err := selectSolutions(opts.SolutionsDir, opts.Solutions, opts.OwnModules)
	if err != nil {
		return err
	}
	errOut := opts.IO.ErrOut
	total, err := harness.StatDataFiles(opts.Files)
	if err != nil {
		return err
	}
	avail, err := harness.CheckMemory(total, opts.Available)
	if err != nil {
		return err
	}
	if avail < 0 {
		fmt.Fprintf(errOut, "Memory: the files take %s together; the memory available is unknown here (no %s), so that they fit is not checked\n",
			harness.FormatBytes(float64(total)), harness.MemInfoPath)
	} else {
		fmt.Fprintf(errOut, "Memory: the files take %s together, %s is available (MemAvailable)\n", harness.FormatBytes(float64(total)), harness.FormatBytes(float64(avail)))
	}

	// Each file is loaded, then held, before the next is read.
	var data []harness.Data
	held := !opts.NoHold
	for _, file := range opts.Files {
		load := harness.LoadData
		if opts.FreshCache {
			load = harness.LoadFreshData
			fmt.Fprintf(errOut, "Dropping %s from the page cache (--fresh-cache)\n", file)
		}
		fmt.Fprintf(errOut, "Reading %s (rows, bytes, expected answer)\n", file)
		d, err := load(ctx, file)
		if err != nil {
			return err
		}
		fmt.Fprintf(errOut, "  %d rows, %s, %d stations; expected answer: %s\n", d.Size.Rows, harness.FormatBytes(float64(d.Size.Bytes)), d.Stations, d.ExpectedFrom)
		warnNotCached(errOut, d)
		if !opts.NoHold {
			stop, ok, large, err := startHold(ctx, opts.Hold, file, errOut, "until the end")
			if err != nil {
				return err
			}
			defer stop()
			held, d.LargePages = held && ok, large
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

	config := append(opts.Machine(ctx),
		harness.Config{Key: harness.KeyPageCache, Value: pageCache(opts.FreshCache, held)},
		harness.Config{Key: harness.KeySchedule, Value: harness.ScheduleRounds},
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
		Record: func(s harness.FilesSuite) error {
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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
)

// ioStreams are the command's output streams.
type ioStreams struct {
	Out           io.Writer
	ErrOut        io.Writer
	ErrIsTerminal bool // show the progress bar on ErrOut
}

// genOptions holds the parsed flags.
type genOptions struct {
	IO       ioStreams
	Rows     int64
	Stations string
	Seed     uint64
	Workers  int
	Out      string
	Force    bool
}

// flagError is a usage error: a bad flag or argument. It exits with 2.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

func flagErrorf(format string, a ...any) error {
	return &flagError{fmt.Errorf(format, a...)}
}

// interruptedError reports a write stopped by Ctrl-C or SIGTERM.
type interruptedError struct {
	path string
	err  error // wraps context.Canceled
}

func (e *interruptedError) Error() string {
	return fmt.Sprintf("interrupted; %s not written (%s.tmp removed)", e.path, e.path)
}
func (e *interruptedError) Unwrap() error { return e.err }

// newCmdGen returns the gen command. runF, when not nil, replaces genRun
// (tests use it to capture the parsed options).
func newCmdGen(ios ioStreams, runF func(context.Context, *genOptions) error) *cobra.Command {
	opts := &genOptions{IO: ios}
	var rows string
	cmd := &cobra.Command{
		Use:   "gen [--rows N] [--stations classic|10k|numbered] [--seed S] [--workers W] [--out PATH] [--force]",
		Short: "Write a 1BRC measurements file and its expected answer",
		Long: `gen writes PATH with N lines "<station>;<value>" and the exact expected
answer beside it (PATH with .txt replaced by .out). The same rows, stations
and seed always give the same bytes, whatever the number of workers.`,
		Example: `  gen --rows 10M --out data/m10m.txt
  gen --rows 1e9 --stations 10k --out data/m10k.txt --force`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return flagErrorf("unexpected argument %q (gen takes only flags)", args[0])
			}
			return nil
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := measurements.ParseRows(rows)
			if err != nil {
				return &flagError{fmt.Errorf("--rows: %w", err)}
			}
			opts.Rows = n
			switch {
			case !measurements.KnownSet(opts.Stations):
				return flagErrorf("--stations: unknown station set %q, want %s", opts.Stations, measurements.SetNames)
			case opts.Workers < 0:
				return flagErrorf("--workers: %d is negative (0 means all cores)", opts.Workers)
			case opts.Out == "":
				return flagErrorf("--out: empty path")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return genRun(cmd.Context(), opts)
		},
	}
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err} })
	f := cmd.Flags()
	f.StringVar(&rows, "rows", "1000000000", "number of rows: 1000000000, 1e9, 1B, 10M, 250k, 1_000_000")
	f.StringVar(&opts.Stations, "stations", measurements.Classic, "station set: classic (413 stations), 10k (10,000 names) or numbered (10,000 names 00000-09999)")
	f.Uint64Var(&opts.Seed, "seed", 1, "random seed")
	f.IntVar(&opts.Workers, "workers", 0, "generating goroutines; 0 means all cores (the output does not depend on it)")
	f.StringVar(&opts.Out, "out", "data/measurements.txt", "file to write; the answer goes to the same path with .txt replaced by .out")
	f.BoolVar(&opts.Force, "force", false, "overwrite an existing file")
	return cmd
}

// genRun writes the file and its answer.
func genRun(ctx context.Context, opts *genOptions) error {
	mopts := measurements.Options{Rows: opts.Rows, Stations: opts.Stations, Seed: opts.Seed, Workers: opts.Workers}
	var report func(measurements.Progress)
	var bar *progressBar
	if opts.IO.ErrIsTerminal {
		size, err := measurements.EstimateBytes(mopts)
		if err != nil {
			return err
		}
		bar = newProgressBar(opts.IO.ErrOut, opts.Rows, size, time.Now())
		report = func(p measurements.Progress) { bar.update(p, time.Now()) }
	}
	err := measurements.WriteFileProgress(ctx, opts.Out, mopts, opts.Force, report)
	if bar != nil {
		bar.clear()
	}
	var exists *measurements.ExistsError
	switch {
	case errors.As(err, &exists):
		return fmt.Errorf("%s already exists; pass --force to overwrite it (with make: make generate FORCE=1)", exists.Path)
	case errors.Is(err, context.Canceled):
		return &interruptedError{path: opts.Out, err: err}
	case err != nil:
		return err
	}
	if bar != nil {
		bar.done(opts.Out, measurements.OutPath(opts.Out), time.Now())
	}
	return nil
}

// run executes the command with args and returns the exit status: 0, 1 on
// a failure, 2 on a usage error, 130 when ctx was canceled (Ctrl-C).
func run(ctx context.Context, args []string, ios ioStreams) int {
	cmd := newCmdGen(ios, nil)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	var fe *flagError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &fe):
		fmt.Fprintf(ios.ErrOut, "gen: %v\nRun 'gen --help' for usage.\n", err)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(ios.ErrOut, "gen: %v\n", err)
		return 130
	}
	fmt.Fprintf(ios.ErrOut, "gen: %v\n", err)
	return 1
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), getTermios)
	return err == nil
}

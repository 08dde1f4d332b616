package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type verifyOptions struct {
	IO           *ioStreams
	Files        []string
	Solutions    string
	SolutionsDir string
	OwnModules   bool
	Timeout      time.Duration

	// Runner returns the runner; tests substitute a fake.
	Runner func() (harness.Runner, error)
	// Build returns the build function and its clean-up.
	Build func() (func(context.Context, harness.Solution) (string, error), func(), error)
}

func newCmdVerify(io *ioStreams, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{
		IO:     io,
		Runner: func() (harness.Runner, error) { return harness.NewProcessRunner() },
		Build:  builder,
	}
	cmd := &cobra.Command{
		Use:   "verify [--solutions GLOB] FILE...",
		Short: "Run every solution once on each file and check its answer",
		Long: `Build every solution, run it once on each FILE and compare its output byte
for byte with FILE's expected answer: the .out file beside it (FILE with
.txt replaced by .out) or, when there is none, the answer of verify's
reference aggregator. A mismatch prints verify's report: missing, extra or
duplicated stations, wrong values, order, number format.

Exits with status 1 when any solution fails on any file.`,
		Example: "  run verify data/measurements-10M-classic-seed1.txt\n  run verify --solutions '0[5-9]-*' verify/testdata/*.txt",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return flagErrorf("verify needs at least one measurements FILE")
			}
			if opts.Timeout < 0 {
				return flagErrorf("--timeout must not be negative, got %s", opts.Timeout)
			}
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Solutions, "solutions", "", "only the solutions whose names match this glob, e.g. '0[5-9]-*'")
	f.StringVar(&opts.SolutionsDir, "solutions-dir", "solutions", "directory holding the solutions")
	f.BoolVar(&opts.OwnModules, "own-modules", ownModulesDefault(), "include solutions with their own go.mod, such as duckdb (default: on when $WITH_DUCKDB is set)")
	f.DurationVar(&opts.Timeout, "timeout", 20*time.Minute, "kill a run (its whole process group) after this long; 0 for never")
	return cmd
}

func verifyRun(ctx context.Context, opts *verifyOptions) error {
	for _, f := range opts.Files {
		if _, err := os.Stat(f); err != nil {
			return err
		}
	}
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
	fmt.Fprintf(opts.IO.ErrOut, "building %d solutions\n", len(sols))
	lastFile := ""
	failed := 0
	checks, err := harness.Verify(ctx, harness.VerifyOptions{
		Solutions: sols,
		Files:     opts.Files,
		Runner:    runner,
		Build:     build,
		Timeout:   opts.Timeout,
		Progress: func(c harness.Check) {
			if c.File != lastFile {
				fmt.Fprintf(opts.IO.Out, "%s (expected answer: %s)\n", c.File, c.ExpectedFrom)
				lastFile = c.File
			}
			harness.WriteCheck(opts.IO.Out, c)
			if c.Failure != "" {
				failed++
			}
		},
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(opts.IO.Out, "%d of %d checks failed\n", failed, len(checks))
		return errSilent
	}
	fmt.Fprintf(opts.IO.Out, "all %d checks passed\n", len(checks))
	return nil
}

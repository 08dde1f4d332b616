package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type newOptions struct {
	IO           *ioStreams
	Name         string
	From         string
	SolutionsDir string
	Results      string
}

func newCmdNew(io *ioStreams, runF func(*newOptions) error) *cobra.Command {
	opts := &newOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "new NN-slug",
		Short: "Start a new step as a copy of the fastest one",
		Long: `Create solutions/NN-slug/ as a copy of the current fastest step (the
fastest passing step in the newest raw results file in --results, or the
highest-numbered step when there are no results), with a README.md stub
for what the step changes, why, and what it measured. --from names the
step to copy instead.`,
		Example: "  run new 12-simd-semicolon\n  run new 12-swiss-table --from 09-mmap-workers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("new needs exactly one NAME, like 12-simd-scan")
			}
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return newRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the step to copy (default: the fastest)")
	cmd.Flags().StringVar(&opts.SolutionsDir, "solutions-dir", "solutions", "directory holding the solutions")
	cmd.Flags().StringVar(&opts.Results, "results", "results", "directory of the raw results that say which step is fastest")
	return cmd
}

func newRun(opts *newOptions) error {
	sols, err := harness.Discover(opts.SolutionsDir)
	if err != nil {
		return err
	}
	var from harness.Solution
	why := "--from"
	if opts.From != "" {
		found := false
		for _, s := range sols {
			if s.Name == opts.From {
				from, found = s, true
			}
		}
		if !found {
			return flagErrorf("--from %s: no such solution under %s", opts.From, opts.SolutionsDir)
		}
	} else if from, why, err = harness.ScaffoldSource(sols, opts.Results); err != nil {
		return err
	}
	dir, err := harness.Scaffold(opts.SolutionsDir, opts.Name, from)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Created %s from %s (%s).\nNext: edit its main.go and README.md, then `make diff STEP=%s` and `make bench`.\n",
		dir, from.Name, why, stepNumber(filepath.Base(dir)))
	return nil
}

// stepNumber returns the NN of an NN-slug name.
func stepNumber(name string) string {
	n, _, _ := strings.Cut(name, "-")
	return n
}

package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type listOptions struct {
	IO           *ioStreams
	SolutionsDir string
}

func newCmdList(io *ioStreams, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the discovered solutions",
		Long: `List every solutions/*/ main package, in the order the harness runs them,
with its kind (a numbered step or a reference) and whether it is built
inside its own module (left out of bench and verify unless --own-modules).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.SolutionsDir, "solutions-dir", "solutions", "directory holding the solutions")
	return cmd
}

func listRun(opts *listOptions) error {
	sols, err := harness.Discover(opts.SolutionsDir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	for _, s := range sols {
		kind := "step"
		if harness.KindOf(s.Name) == harness.KindReference {
			kind = "reference"
		}
		var notes []string
		if s.OwnModule {
			notes = append(notes, "own module (opt-in: --own-modules)")
		}
		if len(s.Env) > 0 {
			notes = append(notes, "built with "+strings.Join(s.Env, " "))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, kind, strings.Join(notes, "; "))
	}
	return tw.Flush()
}

// noArgs rejects positional arguments as a flag error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return flagErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

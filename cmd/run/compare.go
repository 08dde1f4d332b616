package main

import (
	"context"

	"github.com/spf13/cobra"
)

type compareOptions struct {
	IO       *ioStreams
	Old, New string
	Extra    []string // benchstat flags after "--"

	// Exec runs a program with the command's streams; tests capture it.
	Exec func(ctx context.Context, io *ioStreams, name string, args ...string) error
}

// compareIgnored are the configuration keys that differ between any two
// runs without making them incomparable; benchstat would otherwise split
// OLD and NEW into separate tables.
const compareIgnored = "commit,command,schedule"

func newCmdCompare(io *ioStreams, runF func(*compareOptions) error) *cobra.Command {
	opts := &compareOptions{IO: io, Exec: execCommand}
	cmd := &cobra.Command{
		Use:   "compare OLD NEW [-- BENCHSTAT-FLAGS]",
		Short: "Compare two raw results files with benchstat",
		Long: `Run "go tool benchstat -ignore ` + compareIgnored + ` OLD NEW": per solution, the
median of each unit (sec/op, B/s, user-sec/op, sys-sec/op, peak-RSS-B,
peak-anon-B) in both files, the change and whether it is significant (a file
written before the harness recorded peak-anon-B has none: benchstat then
shows that unit for the other file alone). The commit, the command line and
the schedule (runs in rounds or in turn) are ignored so that two runs of
different commits, or a run in rounds and an older one, compare.
Flags after "--" go to benchstat.`,
		Example: "  run compare results/2026-11-20T101500Z-box.txt results/2026-11-24T093000Z-box.txt\n  run compare OLD NEW -- -filter '.name:/solution=0[89]/'",
		RunE: func(cmd *cobra.Command, args []string) error {
			n := cmd.ArgsLenAtDash()
			pos := args
			if n >= 0 {
				pos, opts.Extra = args[:n], args[n:]
			}
			if len(pos) != 2 {
				return flagErrorf("compare needs exactly two raw files, OLD and NEW, got %d", len(pos))
			}
			opts.Old, opts.New = pos[0], pos[1]
			if runF != nil {
				return runF(opts)
			}
			return compareRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func compareRun(ctx context.Context, opts *compareOptions) error {
	args := []string{"tool", "benchstat", "-ignore", compareIgnored}
	args = append(args, opts.Extra...)
	args = append(args, opts.Old, opts.New)
	return opts.Exec(ctx, opts.IO, "go", args...)
}

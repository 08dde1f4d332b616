package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// errSilent ends a command with exit status 1 after it has reported the
// problem itself (a failed solution, a verification mismatch).
var errSilent = errors.New("failed")

// flagError is a bad flag or argument: exit status 2, with usage.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// flagErrorf returns a flagError with a formatted message.
func flagErrorf(format string, args ...any) error {
	return &flagError{fmt.Errorf(format, args...)}
}

// runMain runs the command line args (without the program name) and
// returns the exit status.
func runMain(ctx context.Context, io *ioStreams, args []string) int {
	root := newRootCmd(io, "go run ./cmd/run "+strings.Join(args, " "))
	root.SetArgs(args)
	_, err := root.ExecuteContextC(ctx)
	var fe *flagError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(io.ErrOut, "run: interrupted")
		return exitInterrupted
	case errors.Is(err, errSilent):
		return exitFailed
	case errors.As(err, &fe) || isCobraUsageError(err):
		fmt.Fprintf(io.ErrOut, "run: %v\nSee 'run --help'.\n", err)
		return exitUsage
	}
	fmt.Fprintf(io.ErrOut, "run: %v\n", err)
	return exitFailed
}

// isCobraUsageError recognises the error cobra returns for an unknown
// command, which has no type of its own (flag errors go through
// SetFlagErrorFunc).
func isCobraUsageError(err error) bool {
	return strings.HasPrefix(err.Error(), "unknown command ")
}

// newRootCmd builds the "run" command tree. command is the command line
// as a user would retype it, recorded in the results.
func newRootCmd(io *ioStreams, command string) *cobra.Command {
	root := &cobra.Command{
		Use:   "run",
		Short: "Build, verify, time and rank the 1BRC solutions",
		Long: `Run builds the solutions under solutions/, verifies their answers, times
them as separate processes and ranks them: "run bench" writes
results/<UTC time>-<host>.txt (Go benchmark format, read by benchstat) and
results/leaderboard.md with its chart; "run scale" times them against data
size and core count; "run files" times them on several data files in
rounds and compares each file with the first round by round. Run it
from the repository root; the Makefile's bench, verify and compare
targets call it.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err} })
	root.AddCommand(
		newCmdList(io, nil),
		newCmdVerify(io, nil),
		newCmdBench(io, command, nil),
		newCmdScale(io, command, nil),
		newCmdFiles(io, command, nil),
		newCmdLeaderboard(io, nil),
		newCmdCompare(io, nil),
		newCmdNew(io, nil),
		newCmdFloor(io, nil),
		newCmdHold(io),
	)
	return root
}

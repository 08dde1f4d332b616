package main

import (
	"context"
	"fmt"
	"io"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

func newCmdHold(io *ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:    "hold FILE",
		Short:  "Map FILE, fault in every page and keep it mapped until standard input closes (run bench starts it)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("hold needs exactly one FILE")
			}
			return holdRun(io, args[0])
		},
	}
}

// startHold starts hold on file (nil: none) and says on errOut whether the
// file is held "until" what. It returns the function that lets the file
// go, warning on errOut if that fails while ctx is still live, and whether
// the file is held; a holder that does not start is reported, not an
// error, unless ctx is done.
func startHold(ctx context.Context, hold func(context.Context, string) (func() error, error), file string, errOut io.Writer, until string) (stop func(), held bool, err error) {
	if hold == nil {
		return func() {}, false, nil
	}
	release, err := hold(ctx, file)
	switch {
	case ctx.Err() != nil:
		return func() {}, false, ctx.Err()
	case err != nil:
		fmt.Fprintf(errOut, "  Not holding %s mapped: %v\n", file, err)
		return func() {}, false, nil
	}
	fmt.Fprintf(errOut, "  Holding %s mapped %s (run hold)\n", file, until)
	return func() {
		if err := release(); err != nil && ctx.Err() == nil {
			fmt.Fprintf(errOut, "Warning: %v\n", err)
		}
	}, true, nil
}

// pageCache returns the value of the page-cache key (harness.KeyPageCache)
// of a run whose data file was dropped and read back first (fresh) or not,
// and held mapped for the whole run (held) or not.
func pageCache(fresh, held bool) string {
	switch {
	case fresh && held:
		return "fresh, held"
	case held:
		return "held"
	case fresh:
		return "fresh"
	}
	return "as found"
}

// holdRun holds file mapped (harness.HoldMapped), says so in one line on
// standard output, and waits for standard input to close: run bench
// closes it after the last solution, and so does its exit.
func holdRun(ios *ioStreams, file string) error {
	release, err := harness.HoldMapped(file)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(ios.Out, "holding %s mapped\n", file); err != nil {
		release()
		return err
	}
	io.Copy(io.Discard, ios.In)
	return release()
}

package main

import (
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

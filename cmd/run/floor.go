package main

import (
	"fmt"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type floorOptions struct {
	IO      *ioStreams
	File    string
	Workers int
}

func newCmdFloor(io *ioStreams, runF func(*floorOptions) error) *cobra.Command {
	opts := &floorOptions{IO: io}
	cmd := &cobra.Command{
		Use:    "floor FILE",
		Short:  "Read every byte of FILE and count its lines (the leaderboard's floor row)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("floor needs exactly one FILE")
			}
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			size, err := harness.ScanFile(cmd.Context(), opts.File, opts.Workers)
			if err != nil {
				return err
			}
			fmt.Fprintf(opts.IO.Out, "%d bytes, %d rows\n", size.Bytes, size.Rows)
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Workers, "workers", 0, "goroutines reading the file (0: one per CPU)")
	return cmd
}

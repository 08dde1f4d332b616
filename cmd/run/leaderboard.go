package main

import (
	"fmt"
	"path/filepath"

	"github.com/onebrc/onebrc/harness"
	"github.com/spf13/cobra"
)

type leaderboardOptions struct {
	IO  *ioStreams
	Raw string
	Out string
}

func newCmdLeaderboard(io *ioStreams, runF func(*leaderboardOptions) error) *cobra.Command {
	opts := &leaderboardOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "leaderboard [RAW]",
		Short: "Render leaderboard.md and its chart from a raw results file",
		Long: `Render --out/leaderboard.md and --out/leaderboard.svg from the raw results
file RAW, or from the newest one in --out (by the UTC time in its name).
"run bench" does this after every solution; run it by hand after editing
the renderer or to look at an older run.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return flagErrorf("leaderboard takes at most one RAW file, got %d", len(args))
			}
			if len(args) == 1 {
				opts.Raw = args[0]
			}
			if opts.Out == "" {
				return flagErrorf("--out must name a directory")
			}
			if runF != nil {
				return runF(opts)
			}
			return leaderboardRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "results", "directory of the raw files and the leaderboard")
	return cmd
}

func leaderboardRun(opts *leaderboardOptions) error {
	raw := opts.Raw
	if raw == "" {
		var err error
		if raw, err = harness.NewestRawFile(opts.Out); err != nil {
			return err
		}
	}
	if err := harness.RenderLeaderboard(opts.Out, raw); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Wrote %s and %s from %s\n",
		filepath.Join(opts.Out, harness.LeaderboardFile), filepath.Join(opts.Out, harness.ChartFile), raw)
	return nil
}

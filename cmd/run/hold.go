package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

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

// holdFunc starts a process that holds a data file mapped (selfHold, or a
// fake in tests). It returns the function that stops it, and the share of
// the file the process maps in 2 MiB pages, negative when unknown.
type holdFunc func(ctx context.Context, file string) (stop func() error, large float64, err error)

// startHold starts hold on file (nil: none) and says on errOut whether the
// file is held "until" what, and how much of it in 2 MiB pages when the
// holder tells; below harness.WellMappedLarge it warns that mapping steps
// will run slower than on a file read back into large folios. It returns
// the function that lets the file go, warning on errOut if that fails
// while ctx is still live, whether the file is held, and the share of it
// the holder maps in 2 MiB pages (negative when unknown or not held); a
// holder that does not start is reported, not an error, unless ctx is
// done.
func startHold(ctx context.Context, hold holdFunc, file string, errOut io.Writer, until string) (stop func(), held bool, large float64, err error) {
	if hold == nil {
		return func() {}, false, -1, nil
	}
	release, large, err := hold(ctx, file)
	switch {
	case ctx.Err() != nil:
		return func() {}, false, -1, ctx.Err()
	case err != nil:
		fmt.Fprintf(errOut, "  Not holding %s mapped: %v\n", file, err)
		return func() {}, false, -1, nil
	}
	if large < 0 {
		fmt.Fprintf(errOut, "  Holding %s mapped %s (run hold)\n", file, until)
	} else {
		fmt.Fprintf(errOut, "  Holding %s mapped %s (run hold), %.1f%% of it in 2 MiB pages\n", file, until, 100*large)
		if large < harness.WellMappedLarge {
			fmt.Fprintf(errOut, "  Warning: only %.0f%% of %s is mapped in 2 MiB pages: the page cache holds the rest in small folios, which steps that map the file read 4 KiB at a time, up to 2.9x slower (README, \"Small folios\"). A file as written, or read back while other large files filled the cache, is held so; drop those files from the page cache and run again.\n", 100*large, file)
		}
	}
	return func() {
		if err := release(); err != nil && ctx.Err() == nil {
			fmt.Fprintf(errOut, "Warning: %v\n", err)
		}
	}, true, large, nil
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
// standard output (harness.HolderReady, with the share of the file it maps
// in 2 MiB pages), and waits for standard input to close: run bench
// closes it after the last solution, and so does its exit.
func holdRun(ios *ioStreams, file string) error {
	release, err := harness.HoldMapped(file)
	if err != nil {
		return err
	}
	share, ok := harness.SelfPMDShare(file)
	if _, err := fmt.Fprintln(ios.Out, harness.HolderReady(file, share, ok)); err != nil {
		release()
		return err
	}
	io.Copy(io.Discard, ios.In)
	return release()
}

// dropOtherData drops from the page cache the data files beside files
// (harness.OtherDataFiles, in each one's directory) and says so on errOut:
// run bench and run files call it with --fresh-cache before they read
// their files back, so that another large data file left in the cache
// does not leave the kernel too few free 2 MiB blocks for them (the
// README, "Small folios").
func dropOtherData(errOut io.Writer, drop func(string) error, files []string) error {
	var others []string
	var dirs []string
	for _, f := range files {
		dir := filepath.Dir(f)
		if slices.Contains(dirs, dir) {
			continue
		}
		dirs = append(dirs, dir)
		o, err := harness.OtherDataFiles(dir, files)
		if err != nil {
			return err
		}
		others = append(others, o...)
	}
	if len(others) == 0 {
		return nil
	}
	fmt.Fprintf(errOut, "Dropping the other data files from the page cache too (--fresh-cache), so that the files read back find free 2 MiB blocks: %s\n", strings.Join(others, ", "))
	for _, o := range others {
		if err := drop(o); err != nil {
			return err
		}
	}
	return nil
}

// loadData reads what the harness needs to know about file
// (harness.LoadData; harness.LoadFreshData when fresh, which drops it from
// the page cache first) and says on errOut what it does and what it found.
func loadData(ctx context.Context, errOut io.Writer, file string, fresh bool) (harness.Data, error) {
	load := harness.LoadData
	if fresh {
		load = harness.LoadFreshData
		fmt.Fprintf(errOut, "Dropping %s from the page cache (--fresh-cache)\n", file)
	}
	fmt.Fprintf(errOut, "Reading %s (rows, bytes, expected answer)\n", file)
	d, err := load(ctx, file)
	if err != nil {
		return harness.Data{}, err
	}
	fmt.Fprintf(errOut, "  %d rows, %s, %d stations; expected answer: %s\n", d.Size.Rows, harness.FormatBytes(float64(d.Size.Bytes)), d.Stations, d.ExpectedFrom)
	return d, nil
}

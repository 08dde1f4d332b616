package measurements

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// OutPath returns where WriteFile puts the expected answer for path: path
// with its ".txt" suffix replaced by ".out", or path+".out" when it has no
// ".txt" suffix.
func OutPath(path string) string {
	return strings.TrimSuffix(path, ".txt") + ".out"
}

// ExistsError reports that WriteFile refused to overwrite an existing file.
type ExistsError struct {
	Path string // the file that exists
}

func (e *ExistsError) Error() string {
	return e.Path + " already exists; not overwriting it without force"
}

// Unwrap returns fs.ErrExist, so errors.Is(err, fs.ErrExist) holds.
func (e *ExistsError) Unwrap() error { return fs.ErrExist }

// DiskSpaceError reports that a file system has too little free space for
// the file WriteFile was asked to write.
type DiskSpaceError struct {
	Path string // the file to write
	Need int64  // bytes the file needs, about
	Free int64  // bytes available to this user on its file system
}

func (e *DiskSpaceError) Error() string {
	return fmt.Sprintf("not enough disk space for %s: it needs about %s, only %s free in %s",
		e.Path, FormatBytes(e.Need), FormatBytes(e.Free), filepath.Dir(e.Path))
}

// FormatBytes formats n in decimal units with three significant digits:
// "13.8 GB", "512 kB", "17 B".
func FormatBytes(n int64) string {
	const units = "kMGTPE"
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	u := -1
	for f >= 999.95 && u < len(units)-1 {
		f /= 1000
		u++
	}
	switch {
	case f >= 99.95:
		return fmt.Sprintf("%.0f %cB", f, units[u])
	case f >= 9.995:
		return fmt.Sprintf("%.1f %cB", f, units[u])
	}
	return fmt.Sprintf("%.2f %cB", f, units[u])
}

// WriteFile writes the measurements file path (via path+".tmp", renamed at
// the end) and the expected answer at OutPath(path) (also via a temporary
// file and rename). It refuses with an *ExistsError to overwrite an
// existing path unless force is true, and with a *DiskSpaceError to start
// when path's file system has less free space than the file needs. It
// creates path's directory if needed and replaces an existing answer
// file. On any failure, including ctx being done, it removes its temporary
// files and leaves existing files as they were. It does not fsync: like cp
// or dd, it leaves the data to the page cache.
func WriteFile(ctx context.Context, path string, opts Options, force bool) error {
	return WriteFileProgress(ctx, path, opts, force, nil)
}

// WriteFileProgress is WriteFile that calls report, if not nil, after each
// block is written (from worker goroutines, one call at a time, in order).
func WriteFileProgress(ctx context.Context, path string, opts Options, force bool, report func(Progress)) (err error) {
	g, err := newGenerator(opts)
	if err != nil {
		return err
	}
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return &ExistsError{Path: path}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	need := g.estimateBytes()
	need += need/100 + 1<<20 // a margin, and the answer file
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return fmt.Errorf("checking free space in %s: %w", dir, err)
	}
	if free := int64(st.Bavail) * int64(st.Bsize); free < need {
		return &DiskSpaceError{Path: path, Need: need, Free: free}
	}

	out := OutPath(path)
	tmp, outTmp := path+".tmp", out+".tmp"
	defer func() {
		if err != nil {
			os.Remove(tmp)
			os.Remove(outTmp)
		}
	}()
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	expected, err := g.run(ctx, f, report)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := os.WriteFile(outTmp, expected, 0o644); err != nil {
		return err
	}
	// Drop the old answer first: between the renames there is at worst a
	// data file without its answer, never one with a wrong answer.
	if err := os.Remove(out); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return os.Rename(outTmp, out)
}

// EstimateBytes returns the expected size in bytes of the file opts
// describes. For a large Rows the actual size is within a few parts per
// million of it.
func EstimateBytes(opts Options) (int64, error) {
	g, err := newGenerator(opts)
	if err != nil {
		return 0, err
	}
	return g.estimateBytes(), nil
}

// estimateBytes sums, over the stations, the name's bytes plus ';' and the
// expected length of the value text plus '\n': 4 bytes ("9.9\n"), one more
// below zero and one more at or beyond ±10.0.
func (g *generator) estimateBytes() int64 {
	cums := make([][]float64, len(g.samplers))
	for i, s := range g.samplers {
		c := make([]float64, len(s.probs))
		sum := 0.0
		for j, p := range s.probs {
			sum += p
			c[j] = sum
		}
		cums[i] = c
	}
	// cdf returns P(k <= x) for the sampler with cumulative c.
	cdf := func(s *sampler, c []float64, x int64) float64 {
		i := x - s.first
		switch {
		case i < 0:
			return 0
		case i >= int64(len(c)):
			return 1
		}
		return c[i]
	}
	total := 0.0
	for si, st := range g.stations {
		s, c := g.samplers[g.samp[si]], cums[g.samp[si]]
		m := st.base - s.first
		total += float64(st.plen) + 4 +
			cdf(s, c, -m-1) + // v < 0
			cdf(s, c, -100-m) + // v <= -10.0
			(1 - cdf(s, c, 99-m)) // v >= 10.0
	}
	if len(g.stations) == 0 {
		return 0
	}
	return int64(float64(g.opts.Rows)*total/float64(len(g.stations)) + 0.5)
}

package harness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// MemInfoPath is where MemAvailable reads the kernel's memory figures.
const MemInfoPath = "/proc/meminfo"

// MemAvailable returns the MemAvailable figure of /proc/meminfo, in
// bytes: the kernel's estimate of the memory that programs can have
// without swapping. It counts free memory and the page cache that can be
// reclaimed, the cached pages of any data file among it: on this
// project's VM (2026-12-06) MemAvailable was 24,196,476 kB with MemFree
// at 15,731,556 kB and 8,720,044 kB of file pages (Active(file) plus
// Inactive(file)), the sum of the two. Elsewhere than on Linux it
// returns an error.
func MemAvailable() (int64, error) {
	b, err := os.ReadFile(MemInfoPath)
	if err != nil {
		return 0, fmt.Errorf("harness: memory available: %w", err)
	}
	return parseMemAvailable(bytes.NewReader(b))
}

// parseMemAvailable reads the "MemAvailable: N kB" line of a
// /proc/meminfo.
func parseMemAvailable(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "MemAvailable:")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("harness: memory available: malformed line %q in %s", sc.Text(), MemInfoPath)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("harness: memory available: %w", err)
		}
		return n << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("harness: memory available: %w", err)
	}
	return 0, fmt.Errorf("harness: memory available: no MemAvailable line in %s", MemInfoPath)
}

// StatDataFiles checks the data files of a run of Files before anything
// is read or built: each must be a regular file with its expected answer
// beside it (ExpectedPath; unlike LoadData, no reference aggregator
// stands in, since it would read a large file on one core), and no file may
// be given twice (under one name or two). It returns their total size in
// bytes, and the largest one's.
func StatDataFiles(paths []string) (total, largest int64, err error) {
	var seen []os.FileInfo
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return 0, 0, fmt.Errorf("harness: %w", err)
		}
		if !st.Mode().IsRegular() {
			return 0, 0, fmt.Errorf("harness: %s is not a regular file", p)
		}
		if _, err := os.Stat(ExpectedPath(p)); err != nil {
			return 0, 0, fmt.Errorf("harness: %s has no expected answer beside it (cmd/gen writes one with the data): %w", p, err)
		}
		for i, o := range seen {
			if os.SameFile(st, o) {
				return 0, 0, fmt.Errorf("harness: %s and %s are the same file", paths[i], p)
			}
		}
		seen = append(seen, st)
		total += st.Size()
		largest = max(largest, st.Size())
	}
	return total, largest, nil
}

// ErrFilesTooLarge is returned by CheckMemory when the data files do not
// fit in memory together.
var ErrFilesTooLarge = errors.New("the data files do not fit in memory together")

// CheckMemory checks that data files of total bytes fit in memory
// together, against available() (MemAvailable on Linux), and returns what
// available reported, or -1 with a nil error when it cannot tell (not
// Linux): the caller says that nothing was checked. When total is larger
// it returns an error wrapping ErrFilesTooLarge that names both figures
// and suggests smaller files: the rounds would read the files from disk
// and time the disk, not the solutions.
//
// The limit is MemAvailable alone. It already counts the page cache the
// files may occupy (see MemAvailable), so adding their cached part, as
// one might, would count it twice. It also counts the cache of other
// files, which the kernel reclaims for these: memory held by another
// process's mapping of a large file is counted as available too, so a
// file that passes can still be pushed out. Data.Resident, read after
// the files are loaded, tells what did stay (the CLI warns below
// WellCached). A run that would time the disk has no use: the CLI then
// takes the files one at a time (run files --one-at-a-time, where each
// must fit, checked here with the largest one's size as total), or uses
// smaller files (100M rows: 1.4 GB classic, 1.7 GB 10k), which have the
// same work per line, the fixed costs of a run aside (on 2026-12-06 step
// 27's 10k/classic ratio was 1.61x on 100M-row files, and 1.67x by the
// fastest runs, 1.75x by the rounds, on the 1B-row ones half an hour
// later: results/files/).
func CheckMemory(total int64, available func() (int64, error)) (int64, error) {
	avail, err := available()
	if err != nil {
		return -1, nil
	}
	if total > avail {
		return avail, fmt.Errorf("harness: %w: they take %s, and %s is available (MemAvailable in %s, which counts the page cache they occupy): the rounds would time the disk; use smaller files, such as 100M rows (go run ./cmd/gen --rows 100M --stations 10k --out data/m100m-10k.txt)",
			ErrFilesTooLarge, FormatBytes(float64(total)), FormatBytes(float64(avail)), MemInfoPath)
	}
	return avail, nil
}

// OtherDataFiles returns the data files in dir that are not in keep: the
// regular files named *.txt with their expected answer beside them
// (ExpectedPath), as cmd/gen writes them, in name order. Files in keep are
// matched as files (os.SameFile), whatever the name they are given by.
// The CLI drops them from the page cache before it reads a data file back
// (--fresh-cache): a large file left cached beside it leaves the kernel too
// few free 2 MiB blocks, and the file read back lands partly in small
// folios, which the mapping steps read up to 2.9 times slower (the README,
// "Small folios").
func OtherDataFiles(dir string, keep []string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("harness: other data files: %w", err)
	}
	var kept []os.FileInfo
	for _, k := range keep {
		if st, err := os.Stat(k); err == nil {
			kept = append(kept, st)
		}
	}
	var out []string
	for _, e := range entries {
		if !e.Type().IsRegular() || filepath.Ext(e.Name()) != ".txt" {
			continue
		}
		path := filepath.Join(dir, e.Name())
		st, err := os.Stat(path)
		if err != nil || slices.ContainsFunc(kept, func(k os.FileInfo) bool { return os.SameFile(k, st) }) {
			continue
		}
		if _, err := os.Stat(ExpectedPath(path)); err != nil {
			continue
		}
		out = append(out, path)
	}
	return out, nil
}

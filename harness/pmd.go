package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// WellMappedLarge is the share of the data file, mapped by the holder,
// below which the CLI warns that the file is not mostly in 2 MiB pages:
// a mapping step reads the rest 4 KiB at a time, and on this project's VM
// that took up to 2.9 times as long (the README, "Small folios").
const WellMappedLarge = 0.9

// PMDShare returns the share of a mapped file of size bytes that a
// process maps as 2 MiB pages, from the text of its
// /proc/PID/smaps_rollup: FilePmdMapped over size, at most 1. It counts
// every file the process maps, so it is the data file's share only for a
// process that maps the data file and little else, as the holder does. ok
// is false without a FilePmdMapped line (a kernel before 4.x or another
// system) or with a size of zero.
func PMDShare(rollup []byte, size int64) (share float64, ok bool) {
	if size <= 0 {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(rollup))
	for sc.Scan() {
		v, found := strings.CutPrefix(sc.Text(), "FilePmdMapped:")
		if !found {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return min(1, float64(kb<<10)/float64(size)), true
	}
	return 0, false
}

// SelfPMDShare returns PMDShare for this process and the file at path:
// what "run hold" reports once it holds the file.
func SelfPMDShare(path string) (share float64, ok bool) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	rollup, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return 0, false
	}
	return PMDShare(rollup, st.Size())
}

// LargePagesText returns how the harness records the share of a held data
// file in 2 MiB pages (KeyLargePages, Data.LargePages,
// FileResults.LargePages): "96.4%", or "" for a negative share, which
// stands for unknown.
func LargePagesText(share float64) string {
	if share < 0 {
		return ""
	}
	return fmt.Sprintf("%.1f%%", 100*share)
}

// HolderReady returns the line "run hold" prints once it holds file,
// with the share of it mapped in 2 MiB pages when known (see PMDShare);
// ParseHolderReady reads the share back.
func HolderReady(file string, share float64, ok bool) string {
	if !ok {
		return fmt.Sprintf("holding %s mapped", file)
	}
	return fmt.Sprintf("holding %s mapped, %.1f%% in 2 MiB pages", file, 100*share)
}

// ParseHolderReady returns the share of the file in 2 MiB pages that a
// line of HolderReady reports, and whether it reports one.
func ParseHolderReady(line string) (share float64, ok bool) {
	i := strings.LastIndex(line, " mapped, ")
	if i < 0 {
		return 0, false
	}
	pct, found := strings.CutSuffix(line[i+len(" mapped, "):], "% in 2 MiB pages")
	if !found {
		return 0, false
	}
	v, err := strconv.ParseFloat(pct, 64)
	if err != nil || v < 0 || v > 100 {
		return 0, false
	}
	return v / 100, true
}

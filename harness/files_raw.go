package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
)

// FilesRawFileName returns the name of the raw file of a run of Files
// started at t on host: "files-<UTC time>-<host>.txt". NewestRawFile does
// not take it for a benchmark's.
func FilesRawFileName(t time.Time, host string) string {
	return "files-" + RawFileName(t, host)
}

// filesAnnotationPrefix starts the annotation lines of a files raw file.
// Each names its data file, and the solution when it is about one:
//
//	# onebrc file=data/m100m-10k.txt rows: 100000000
//	# onebrc file=data/m100m-10k.txt bytes: 1730212345
//	# onebrc file=data/m100m-10k.txt stations: 10000
//	# onebrc file=data/m100m-10k.txt large-pages: 98.2%
//	# onebrc file=data/m100m-10k.txt solution=25-adaptive-rounds warmups: 1
//	# onebrc file=data/m100m-10k.txt solution=26-wrong failed: timed run 2: wrong output: ...
const filesAnnotationPrefix = "# onebrc file="

// WriteFilesRaw writes s to w in the Go benchmark format: the shared
// configuration, then file by file a "file: PATH" configuration line, one
// result line per timed run as WriteRaw writes them (the MB/s from that
// file's size), and the file's annotations: its rows, bytes and stations,
// the share of it a holder mapped in 2 MiB pages when known
// (KeyLargePages), then each solution's warm-ups or failure.
//
// "file" is the only configuration key that changes from file to file, so
// that "go tool benchstat -col file RAW" puts the files side by side in
// one table per unit: benchstat starts a new table wherever any other
// file-level key changes, so rows, bytes and stations, which differ
// between the files, are annotations (which the format ignores), not
// configuration. benchstat compares the files by medians with a
// significance test; the rounds' pairing is Files's report's
// (CompareRounds).
func WriteFilesRaw(w io.Writer, s FilesSuite) error {
	for _, c := range s.Config {
		if strings.Contains(c.Value, "\n") || !validKey(c.Key) || c.Key == KeyFile {
			return fmt.Errorf("harness: write files results: bad shared configuration %q: %q", c.Key, c.Value)
		}
	}
	bw := bufio.NewWriter(w)
	fw := benchfmt.NewWriter(bw)
	if !slices.ContainsFunc(s.Files, func(f FileResults) bool { return hasRuns(f.Results) }) {
		// benchfmt.Writer writes configuration before a result only.
		for _, c := range s.Config {
			fmt.Fprintf(bw, "%s: %s\n", c.Key, c.Value)
		}
		bw.WriteString("\n")
	}
	for _, f := range s.Files {
		if strings.Contains(f.Path, "\n") {
			return fmt.Errorf("harness: write files results: bad file name %q", f.Path)
		}
		cfg := make([]benchfmt.Config, 0, len(s.Config)+1)
		for _, c := range append(slices.Clone(s.Config), Config{KeyFile, f.Path}) {
			cfg = append(cfg, benchfmt.Config{Key: c.Key, Value: []byte(c.Value), File: true})
		}
		for _, r := range f.Results {
			for _, run := range r.Runs {
				if err := fw.Write(runRecord(cfg, r.Name, run, float64(f.Bytes))); err != nil {
					return fmt.Errorf("harness: write files results: %w", err)
				}
			}
		}
		tag := filesAnnotationPrefix + f.Path + " "
		fmt.Fprintf(bw, "%s%s: %d\n%s%s: %d\n%s%s: %d\n", tag, KeyRows, f.Rows, tag, KeyBytes, f.Bytes, tag, KeyStations, f.Stations)
		if f.LargePages != "" {
			fmt.Fprintf(bw, "%s%s: %s\n", tag, KeyLargePages, f.LargePages)
		}
		for _, r := range f.Results {
			for _, a := range annotations(r) {
				fmt.Fprintf(bw, "%ssolution=%s %s: %s\n", tag, r.Name, a.Key, a.Value)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("harness: write files results: %w", err)
	}
	return nil
}

// SaveFilesRaw writes s to path through a temporary file renamed into
// place.
func SaveFilesRaw(path string, s FilesSuite) error {
	var b bytes.Buffer
	if err := WriteFilesRaw(&b, s); err != nil {
		return err
	}
	return writeFileAtomic(path, b.Bytes())
}

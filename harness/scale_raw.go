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
	"time"

	"golang.org/x/perf/benchfmt"
)

// scaleRawPrefix starts the name of a scale sweep's raw file.
const scaleRawPrefix = "scale-"

// ScaleRawFileName returns the name of the raw file of a scale sweep
// started at t on host: "scale-<UTC time>-<host>.txt". NewestRawFile
// does not take such a file for a benchmark's.
func ScaleRawFileName(t time.Time, host string) string {
	return scaleRawPrefix + RawFileName(t, host)
}

// ErrNoScaleRawFile is returned by NewestScaleRawFile when dir holds no
// scale raw file.
var ErrNoScaleRawFile = errors.New("no scale raw file (scale-<UTC time>-<host>.txt): run \"run scale\" first")

// NewestScaleRawFile returns the path of the newest scale raw file in
// dir: the one whose name (see ScaleRawFileName) carries the latest time.
func NewestScaleRawFile(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("harness: %w", err)
	}
	var names []string
	for _, e := range ents {
		n, ok := strings.CutPrefix(e.Name(), scaleRawPrefix)
		if e.IsDir() || !ok || !strings.HasSuffix(n, ".txt") || len(n) < len(rawTimeLayout) {
			continue
		}
		if _, err := time.Parse(rawTimeLayout, n[:len(rawTimeLayout)]); err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("harness: %s: %w", dir, ErrNoScaleRawFile)
	}
	slices.Sort(names)
	return filepath.Join(dir, names[len(names)-1]), nil
}

// scaleAnnotationPrefix starts the annotation lines of a scale raw file.
// Each names its point, and the solution when it is about one:
//
//	# onebrc rows=1000000 cores=2 solution=01-naive warmups: 1
//	# onebrc rows=1000000 cores=2 solution=02-wrong failed: warm-up run 1: wrong output: ...
//
// A point without any result line (every solution failed) also gets its
// data file's keys, which the result lines' configuration would have
// carried:
//
//	# onebrc rows=1000000 cores=2 file: data/measurements-1000000-classic-seed1.txt
//	# onebrc rows=1000000 cores=2 bytes: 13795640
//	# onebrc rows=1000000 cores=2 stations: 413
const scaleAnnotationPrefix = "# onebrc rows="

// WriteScaleRaw writes s to w in the Go benchmark format: the shared
// configuration, then point by point the configuration lines that change
// (file, rows, bytes, stations, cores), one result line per timed run as
// WriteRaw writes them, and the point's annotations. The benchmark format
// allows configuration to change between results, and every result line
// carries its point's configuration, so benchstat reads the file as it is
// (one table per point by default; "-table rows -col cores" compares
// core counts).
func WriteScaleRaw(w io.Writer, s ScaleSuite) error {
	for _, c := range s.Config {
		if strings.Contains(c.Value, "\n") || !validKey(c.Key) || slices.Contains(pointKeys, c.Key) {
			return fmt.Errorf("harness: write scale results: bad shared configuration %q: %q", c.Key, c.Value)
		}
	}
	bw := bufio.NewWriter(w)
	fw := benchfmt.NewWriter(bw)
	if !slices.ContainsFunc(s.Points, func(p ScalePoint) bool { return hasRuns(p.Results) }) {
		// benchfmt.Writer writes configuration before a result only.
		for _, c := range s.Config {
			fmt.Fprintf(bw, "%s: %s\n", c.Key, c.Value)
		}
		bw.WriteString("\n")
	}
	for _, p := range s.Points {
		var cfg []benchfmt.Config
		for _, c := range append(slices.Clone(s.Config), p.config()...) {
			if strings.Contains(c.Value, "\n") {
				return fmt.Errorf("harness: write scale results: bad configuration %q: %q", c.Key, c.Value)
			}
			cfg = append(cfg, benchfmt.Config{Key: c.Key, Value: []byte(c.Value), File: true})
		}
		for _, r := range p.Results {
			for _, run := range r.Runs {
				if err := fw.Write(runRecord(cfg, r.Name, run, float64(p.Bytes))); err != nil {
					return fmt.Errorf("harness: write scale results: %w", err)
				}
			}
		}
		tag := fmt.Sprintf("%s%d cores=%d ", scaleAnnotationPrefix, p.Rows, p.Cores)
		if !hasRuns(p.Results) {
			fmt.Fprintf(bw, "%s%s: %s\n%s%s: %d\n%s%s: %d\n", tag, KeyFile, p.File, tag, KeyBytes, p.Bytes, tag, KeyStations, p.Stations)
		}
		for _, r := range p.Results {
			for _, a := range annotations(r) {
				fmt.Fprintf(bw, "%ssolution=%s %s: %s\n", tag, r.Name, a.Key, a.Value)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("harness: write scale results: %w", err)
	}
	return nil
}

// hasRuns reports whether any of rs has a timed run.
func hasRuns(rs []Result) bool {
	return slices.ContainsFunc(rs, func(r Result) bool { return len(r.Runs) > 0 })
}

// scalePointReader gathers one point while ReadScaleRaw reads.
type scalePointReader struct {
	ScalePoint
	line  int            // the first line that mentions the point
	index map[string]int // solution -> index in Results
	order map[string]int // solution -> rank of its first annotation
}

func (p *scalePointReader) result(sol string) *Result {
	i, ok := p.index[sol]
	if !ok {
		i = len(p.Results)
		p.index[sol] = i
		p.Results = append(p.Results, Result{Name: sol})
	}
	return &p.Results[i]
}

// ReadScaleRaw reads a scale sweep's raw file written by WriteScaleRaw
// from r; name is used in error messages. Points come back in the order
// they first appear, each with its results in the order of their
// annotations (the order they ran). A line the benchmark format cannot
// parse is an error naming name and line; so is a result line without
// rows and cores in its configuration (a benchmark's raw file, say).
func ReadScaleRaw(r io.Reader, name string) (ScaleSuite, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return ScaleSuite{}, fmt.Errorf("%s: %w", name, err)
	}
	var s ScaleSuite
	points := map[[2]int64]*scalePointReader{}
	point := func(rows int64, cores, line int) *scalePointReader {
		k := [2]int64{rows, int64(cores)}
		p, ok := points[k]
		if !ok {
			p = &scalePointReader{ScalePoint: ScalePoint{Rows: rows, Cores: cores}, line: line, index: map[string]int{}, order: map[string]int{}}
			points[k] = p
		}
		p.line = min(p.line, line)
		return p
	}
	br := benchfmt.NewReader(bytes.NewReader(data), name)
	var seenConfig bool
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return ScaleSuite{}, rec
		case *benchfmt.Result:
			file, line := rec.Pos()
			cfg := map[string]string{}
			for _, c := range rec.Config {
				if !c.File {
					continue
				}
				cfg[c.Key] = string(c.Value)
				if !seenConfig && !slices.Contains(pointKeys, c.Key) {
					s.Config = append(s.Config, Config{c.Key, string(c.Value)})
				}
			}
			seenConfig = true
			rows, err1 := strconv.ParseInt(cfg[KeyRows], 10, 64)
			cores, err2 := strconv.Atoi(cfg[KeyCores])
			if err1 != nil || err2 != nil {
				return ScaleSuite{}, fmt.Errorf("%s:%d: want %q and %q in the configuration of every result of a scale sweep, got %q and %q", file, line, KeyRows, KeyCores, cfg[KeyRows], cfg[KeyCores])
			}
			p := point(rows, cores, line)
			p.File = cfg[KeyFile]
			p.Bytes, _ = strconv.ParseInt(cfg[KeyBytes], 10, 64)
			p.Stations, _ = strconv.Atoi(cfg[KeyStations])
			sol, run, err := parseRunRecord(rec)
			if err != nil {
				return ScaleSuite{}, err
			}
			res := p.result(sol)
			res.Runs = append(res.Runs, run)
		}
	}
	if err := br.Err(); err != nil {
		return ScaleSuite{}, err
	}
	if !seenConfig {
		for _, c := range readConfigLines(data) {
			if !slices.Contains(pointKeys, c.Key) {
				s.Config = append(s.Config, c)
			}
		}
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, annotationPrefix) {
			return ScaleSuite{}, fmt.Errorf("%s:%d: a benchmark's annotation: this is the raw file of \"run bench\", not of a scale sweep", name, i+1)
		}
		if !strings.HasPrefix(l, scaleAnnotationPrefix) {
			continue
		}
		bad := fmt.Errorf("%s:%d: malformed annotation %q", name, i+1, l)
		head, val, ok := strings.Cut(strings.TrimPrefix(l, "# onebrc "), ": ")
		f := strings.Fields(head)
		if !ok || len(f) < 3 || len(f) > 4 {
			return ScaleSuite{}, bad
		}
		rowsText, ok1 := strings.CutPrefix(f[0], "rows=")
		coresText, ok2 := strings.CutPrefix(f[1], "cores=")
		rows, err1 := strconv.ParseInt(rowsText, 10, 64)
		cores, err2 := strconv.Atoi(coresText)
		if !ok1 || !ok2 || err1 != nil || err2 != nil {
			return ScaleSuite{}, bad
		}
		p := point(rows, cores, i+1)
		key := f[len(f)-1]
		if len(f) == 3 {
			var err error
			switch key {
			case KeyFile:
				p.File = val
			case KeyBytes:
				p.Bytes, err = strconv.ParseInt(val, 10, 64)
			case KeyStations:
				p.Stations, err = strconv.Atoi(val)
			default:
				err = fmt.Errorf("unknown point annotation %q", key)
			}
			if err != nil {
				return ScaleSuite{}, fmt.Errorf("%s:%d: %w", name, i+1, err)
			}
			continue
		}
		sol, ok := strings.CutPrefix(f[2], "solution=")
		if !ok || sol == "" {
			return ScaleSuite{}, bad
		}
		res := p.result(sol)
		if _, ok := p.order[sol]; !ok {
			p.order[sol] = len(p.order)
		}
		if err := applyAnnotation(res, key, val); err != nil {
			return ScaleSuite{}, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
	}
	var ps []*scalePointReader
	for _, p := range points {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *scalePointReader) int { return a.line - b.line })
	for _, p := range ps {
		pos := func(r Result) int {
			if k, ok := p.order[r.Name]; ok {
				return k
			}
			return len(p.order)
		}
		slices.SortStableFunc(p.Results, func(a, b Result) int { return pos(a) - pos(b) })
		s.Points = append(s.Points, p.ScalePoint)
	}
	return s, nil
}

// ReadScaleRawFile reads the scale raw file at path with ReadScaleRaw.
func ReadScaleRawFile(path string) (ScaleSuite, error) {
	f, err := os.Open(path)
	if err != nil {
		return ScaleSuite{}, fmt.Errorf("harness: %w", err)
	}
	defer f.Close()
	return ReadScaleRaw(f, path)
}

// SaveScaleRaw writes s to path through a temporary file renamed into
// place.
func SaveScaleRaw(path string, s ScaleSuite) error {
	var b bytes.Buffer
	if err := WriteScaleRaw(&b, s); err != nil {
		return err
	}
	return writeFileAtomic(path, b.Bytes())
}

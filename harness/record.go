package harness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
)

// Run is one timed, verified execution of a solution.
type Run struct {
	Wall    time.Duration // monotonic wall time of the whole process tree
	User    time.Duration // user CPU time of every process of the tree
	Sys     time.Duration // system CPU time of every process of the tree
	PeakRSS int64         // largest ru_maxrss of any process of the tree, in bytes
	// PeakAnon is the peak of the tree's anonymous resident memory, in
	// bytes, as sampled (Measurement.PeakAnon); 0 means unknown: no sample
	// was taken, or the run comes from a raw file written before the
	// harness recorded it. Such a run has no peak-anon-B value in a raw
	// file, and the leaderboard shows "—" where no run of a solution has
	// one.
	PeakAnon int64
}

// Result is everything the harness learned about one solution (or the
// floor) on one data file.
type Result struct {
	// Name is the solution's directory name, or FloorName.
	Name string
	// Runs are the timed runs in the order they ran. Every one of them
	// exited cleanly and printed the expected answer. A failed solution
	// has none: no time is reported for an answer that was wrong once.
	Runs []Run
	// Warmups is the number of warm-up runs (verified, not timed).
	Warmups int
	// FirstRunTimed is set when the first run was slow enough to serve as
	// the only timed sample, with no warm-up (see Policy).
	FirstRunTimed bool
	// Failure is why the solution failed ("" when it did not): a build
	// error, a crash, a non-zero exit, a timeout or a wrong answer, with
	// the run it happened in. It may span several lines.
	Failure string
	// Profile is the path of the solution's CPU profile, relative to the
	// results directory, or "" when none was taken.
	Profile string
}

// FloorName is the Result name of the floor row: the time to read every
// byte of the data file (ScanFile), which is not a solution and is not
// verified.
const FloorName = "floor"

// Kind says what a result's row is: a numbered step, a reference that is
// not part of the progression (such as solutions/duckdb), or the floor.
type Kind int

// The kinds of result rows.
const (
	KindStep      Kind = iota // name starts with digits and '-', e.g. "05-mapreduce"
	KindReference             // any other solution name
	KindFloor                 // FloorName
)

var stepName = regexp.MustCompile(`^[0-9]+-`)

// KindOf returns the kind of the result named name.
func KindOf(name string) Kind {
	switch {
	case name == FloorName:
		return KindFloor
	case stepName.MatchString(name):
		return KindStep
	}
	return KindReference
}

// Config is one file-level key: value line of a raw results file.
type Config struct {
	Key, Value string
}

// Suite is the content of one raw results file: the configuration (machine,
// commit, data file) and one Result per solution, in the order they ran.
type Suite struct {
	Config  []Config
	Results []Result
}

// Get returns the value of configuration key k, or "".
func (s *Suite) Get(k string) string {
	for _, c := range s.Config {
		if c.Key == k {
			return c.Value
		}
	}
	return ""
}

// Configuration keys the harness writes (see MachineConfig and Data.Config).
const (
	KeyGoos     = "goos"
	KeyGoarch   = "goarch"
	KeyCPU      = "cpu"
	KeyCores    = "cores"
	KeyGo       = "go"
	KeyCommit   = "commit"
	KeyHost     = "host"
	KeyFile     = "file"
	KeyRows     = "rows"
	KeyBytes    = "bytes"
	KeyStations = "stations"
	KeyCommand  = "command"
	// KeyPageCache says how run bench kept the data file in the page cache
	// (run scale: every data file): "fresh" (dropped and read back first,
	// --fresh-cache) and/or "held" (mapped by run hold while it was timed),
	// or "as found". Raw files from before it have none.
	KeyPageCache = "page-cache"
	// KeyLargePages is the share of the data file that run hold mapped in
	// 2 MiB pages once it held it (PMDShare, as LargePagesText writes it):
	// how fast the steps that map the file could read it (the README,
	// "Small folios"). Run bench writes it where a holder reported one;
	// run files writes it for each file as an annotation
	// (FileResults.LargePages); run scale does not record it. Raw files
	// from before it have none.
	KeyLargePages = "large-pages"
	// KeySchedule says in what order run bench took the timed runs (run
	// scale: at every point, whose rounds are its own):
	// ScheduleRounds (Options.Interleave, ScaleOptions.Interleave) or
	// ScheduleInTurn. Raw files from before it have none: they were taken
	// in turn.
	KeySchedule = "schedule"
)

// The values of KeySchedule.
const (
	ScheduleRounds = "rounds"  // interleaved: one run of each solution a round
	ScheduleInTurn = "in turn" // each solution's runs, then the next one's
	// ScheduleOneFile is run files's rounds taken one file at a time
	// (FilesOptions.Visit): before a file's runs, the files were dropped
	// from the page cache and that one read back and held.
	ScheduleOneFile = "rounds, one file at a time"
)

// BenchmarkName is the benchmark every result line belongs to; the
// solution is its sub-name key: BenchmarkOneBRC/solution=05-mapreduce.
const BenchmarkName = "BenchmarkOneBRC"

// Units of a result line, as written.
const (
	UnitWall    = "ns/op"
	UnitSpeed   = "MB/s"
	UnitUser    = "user-ns/op"
	UnitSys     = "sys-ns/op"
	UnitPeakRSS = "peak-RSS-B"
	// UnitPeakAnon is Run.PeakAnon, written only for a run that has one
	// (raw files written before the harness recorded it have none).
	UnitPeakAnon = "peak-anon-B"
)

// annotationPrefix starts the lines that carry what the benchmark format
// has no place for: failures, warm-up counts, single-run flags and
// profiles. The format ignores lines that are neither configuration nor
// results, so benchstat and every other reader skip them:
//
//	# onebrc solution=99-broken failed: timed run 3: exit status 2: panic: boom
//	# onebrc solution=01-naive warmups: 0
//	# onebrc solution=01-naive first-run-timed: true
//	# onebrc solution=05-mapreduce profile: profiles/05-mapreduce.pprof
//
// Every result has at least one annotation, in the order the solutions
// ran; a failed solution has a "failed" annotation and no result lines.
const annotationPrefix = "# onebrc solution="

// WriteRaw writes s to w in the Go benchmark format: the configuration
// lines, one result line per timed run, then the annotations. The bytes
// per second come from the "bytes" configuration key.
func WriteRaw(w io.Writer, s Suite) error {
	bw := bufio.NewWriter(w)
	cfg := make([]benchfmt.Config, 0, len(s.Config))
	for _, c := range s.Config {
		if strings.Contains(c.Value, "\n") || !validKey(c.Key) {
			return fmt.Errorf("harness: write results: bad configuration %q: %q", c.Key, c.Value)
		}
		cfg = append(cfg, benchfmt.Config{Key: c.Key, Value: []byte(c.Value), File: true})
	}
	fw := benchfmt.NewWriter(bw)
	size, _ := strconv.ParseFloat(s.Get(KeyBytes), 64)
	var wrote bool
	for _, r := range s.Results {
		for _, run := range r.Runs {
			if err := fw.Write(runRecord(cfg, r.Name, run, size)); err != nil {
				return fmt.Errorf("harness: write results: %w", err)
			}
			wrote = true
		}
	}
	if !wrote {
		// benchfmt.Writer emits the configuration before the first
		// result; without one, write it the same way by hand.
		for _, c := range s.Config {
			fmt.Fprintf(bw, "%s: %s\n", c.Key, c.Value)
		}
		bw.WriteString("\n")
	}
	for _, r := range s.Results {
		for _, a := range annotations(r) {
			fmt.Fprintf(bw, "%s%s %s: %s\n", annotationPrefix, r.Name, a.Key, a.Value)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("harness: write results: %w", err)
	}
	return nil
}

// runRecord is the result line of one timed run of solution sol on a
// file of size bytes, under the configuration cfg.
// A run whose PeakAnon is unknown (0) gets no peak-anon-B value rather
// than a 0 that benchstat would count.
func runRecord(cfg []benchfmt.Config, sol string, run Run, size float64) *benchfmt.Result {
	r := &benchfmt.Result{
		Config: cfg,
		Name:   benchfmt.Name(BenchmarkName[len("Benchmark"):] + "/solution=" + sol),
		Iters:  1,
		Values: []benchfmt.Value{
			{Value: float64(run.Wall.Nanoseconds()), Unit: UnitWall},
			{Value: math.Round(size/run.Wall.Seconds()/1e4) / 100, Unit: UnitSpeed},
			{Value: float64(run.User.Nanoseconds()), Unit: UnitUser},
			{Value: float64(run.Sys.Nanoseconds()), Unit: UnitSys},
			{Value: float64(run.PeakRSS), Unit: UnitPeakRSS},
		},
	}
	if run.PeakAnon > 0 {
		r.Values = append(r.Values, benchfmt.Value{Value: float64(run.PeakAnon), Unit: UnitPeakAnon})
	}
	return r
}

// validKey reports whether k can be a configuration key: a lower-case
// first letter and no spaces or upper-case letters.
func validKey(k string) bool {
	if k == "" || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	return !strings.ContainsAny(k, " \t:") && strings.ToLower(k) == k
}

// annotations lists the annotation lines of r.
func annotations(r Result) []Config {
	var as []Config
	if r.Failure != "" {
		as = append(as, Config{"failed", oneLine(r.Failure)})
	}
	if r.Failure == "" {
		as = append(as, Config{"warmups", strconv.Itoa(r.Warmups)})
	}
	if r.FirstRunTimed {
		as = append(as, Config{"first-run-timed", "true"})
	}
	if r.Profile != "" {
		as = append(as, Config{"profile", r.Profile})
	}
	return as
}

// oneLine joins the lines of s with "; " so it fits one annotation.
// A line ending in ':' introduces the next, so it is followed by a space.
func oneLine(s string) string {
	var b strings.Builder
	sep := ""
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		b.WriteString(sep + l)
		sep = "; "
		if strings.HasSuffix(l, ":") {
			sep = " "
		}
	}
	return b.String()
}

// ReadRaw reads a raw results file written by WriteRaw (or edited by hand)
// from r; name is used in error messages. Results come back in the order
// their solutions first appear, annotations attached. A line the
// benchmark format cannot parse is an error naming name and line; so is a
// result that is not BenchmarkOneBRC/solution=NAME or lacks ns/op.
func ReadRaw(r io.Reader, name string) (Suite, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Suite{}, fmt.Errorf("%s: %w", name, err)
	}
	var s Suite
	index := map[string]int{}
	result := func(sol string) *Result {
		i, ok := index[sol]
		if !ok {
			i = len(s.Results)
			index[sol] = i
			s.Results = append(s.Results, Result{Name: sol})
		}
		return &s.Results[i]
	}
	br := benchfmt.NewReader(bytes.NewReader(data), name)
	var seenConfig bool
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return Suite{}, rec
		case *benchfmt.Result:
			if !seenConfig {
				for _, c := range rec.Config {
					if c.File {
						s.Config = append(s.Config, Config{c.Key, string(c.Value)})
					}
				}
				seenConfig = true
			}
			sol, run, err := parseRunRecord(rec)
			if err != nil {
				return Suite{}, err
			}
			res := result(sol)
			res.Runs = append(res.Runs, run)
		}
	}
	if err := br.Err(); err != nil {
		return Suite{}, err
	}
	if !seenConfig {
		// No result line: the configuration is only in the file's head.
		s.Config = readConfigLines(data)
	}
	// Every result has an annotation, written in the order the solutions
	// ran; results with no result line (failures) sort in among them.
	order := map[string]int{}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, scaleAnnotationPrefix) {
			return Suite{}, fmt.Errorf("%s:%d: a scale sweep's annotation: this is the raw file of \"run scale\" (render it with run scale --render)", name, i+1)
		}
		if strings.HasPrefix(l, filesAnnotationPrefix) {
			return Suite{}, fmt.Errorf("%s:%d: a files run's annotation: this is the raw file of \"run files\" (go tool benchstat -col file reads it)", name, i+1)
		}
		if !strings.HasPrefix(l, annotationPrefix) {
			continue
		}
		sol, rest, ok1 := strings.Cut(strings.TrimPrefix(l, annotationPrefix), " ")
		key, val, ok2 := strings.Cut(rest, ": ")
		if !ok1 || !ok2 || sol == "" {
			return Suite{}, fmt.Errorf("%s:%d: malformed annotation %q", name, i+1, l)
		}
		res := result(sol)
		if _, ok := order[sol]; !ok {
			order[sol] = len(order)
		}
		if err := applyAnnotation(res, key, val); err != nil {
			return Suite{}, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
	}
	pos := func(r Result) int {
		if p, ok := order[r.Name]; ok {
			return p
		}
		return len(order)
	}
	slices.SortStableFunc(s.Results, func(a, b Result) int { return pos(a) - pos(b) })
	return s, nil
}

// parseRunRecord returns the solution and the run of a result line
// BenchmarkOneBRC/solution=NAME, which must have a wall time.
func parseRunRecord(rec *benchfmt.Result) (string, Run, error) {
	file, line := rec.Pos()
	base, parts := rec.Name.Parts()
	if "Benchmark"+string(base) != BenchmarkName || len(parts) != 1 || !bytes.HasPrefix(parts[0], []byte("/solution=")) {
		return "", Run{}, fmt.Errorf("%s:%d: want %s/solution=NAME, got %s", file, line, BenchmarkName, rec.Name)
	}
	sol := string(bytes.TrimPrefix(parts[0], []byte("/solution=")))
	var run Run
	wall, ok := rec.Value("sec/op")
	if !ok {
		return "", Run{}, fmt.Errorf("%s:%d: %s has no %s", file, line, rec.Name, UnitWall)
	}
	run.Wall = time.Duration(wall * 1e9)
	if v, ok := rec.Value("user-sec/op"); ok {
		run.User = time.Duration(v * 1e9)
	}
	if v, ok := rec.Value("sys-sec/op"); ok {
		run.Sys = time.Duration(v * 1e9)
	}
	if v, ok := rec.Value(UnitPeakRSS); ok {
		run.PeakRSS = int64(v)
	}
	if v, ok := rec.Value(UnitPeakAnon); ok {
		run.PeakAnon = int64(v)
	}
	return sol, run, nil
}

// applyAnnotation sets what the annotation "key: val" says on res.
func applyAnnotation(res *Result, key, val string) error {
	switch key {
	case "failed":
		res.Failure = val
	case "warmups":
		n, err := strconv.Atoi(val)
		if err != nil {
			return fmt.Errorf("warmups: %w", err)
		}
		res.Warmups = n
	case "first-run-timed":
		res.FirstRunTimed = val == "true"
	case "profile":
		res.Profile = val
	default:
		return fmt.Errorf("unknown annotation %q", key)
	}
	return nil
}

// readConfigLines returns the key: value lines at the head of a results
// file, for a file without result lines.
func readConfigLines(data []byte) []Config {
	var cs []Config
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(l, ": ")
		if !ok || !validKey(k) {
			if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, annotationPrefix) {
				break
			}
			continue
		}
		cs = append(cs, Config{k, v})
	}
	return cs
}

// ReadRawFile reads the raw results file at path with ReadRaw.
func ReadRawFile(path string) (Suite, error) {
	f, err := os.Open(path)
	if err != nil {
		return Suite{}, fmt.Errorf("harness: %w", err)
	}
	defer f.Close()
	return ReadRaw(f, path)
}

// rawTimeLayout is the UTC time at the start of a raw file's name.
const rawTimeLayout = "2006-01-02T150405Z"

// RawFileName returns the name of the raw results file for a benchmark
// started at t on host: "<UTC time>-<host>.txt".
func RawFileName(t time.Time, host string) string {
	host = strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == os.PathSeparator {
			return '_'
		}
		return r
	}, host)
	return t.UTC().Format(rawTimeLayout) + "-" + host + ".txt"
}

// ErrNoRawFile is returned by NewestRawFile when dir holds no raw file.
var ErrNoRawFile = errors.New("no raw results file")

// NewestRawFile returns the path of the newest raw results file in dir:
// the one whose name (see RawFileName) carries the latest time.
func NewestRawFile(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("harness: %w", err)
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".txt") || len(n) < len(rawTimeLayout) {
			continue
		}
		if _, err := time.Parse(rawTimeLayout, n[:len(rawTimeLayout)]); err == nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("harness: %s: %w", dir, ErrNoRawFile)
	}
	slices.Sort(names)
	return filepath.Join(dir, names[len(names)-1]), nil
}

package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"
)

// scaleData is the fake data file of rows rows.
func scaleData(rows int64) Data {
	return Data{Path: fmt.Sprintf("data/measurements-%d-classic-seed1.txt", rows), Size: FileSize{Bytes: rows * 138 / 10, Rows: rows}, Stations: 2, Expected: []byte(answer)}
}

// gomaxprocs returns the value of the last GOMAXPROCS entry of env, or 0.
func gomaxprocs(env []string) int {
	n := 0
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "GOMAXPROCS="); ok {
			n, _ = strconv.Atoi(v)
		}
	}
	return n
}

// rowsOf returns the rows of the fake data file a command reads.
func rowsOf(c Command) int64 {
	var rows int64
	fmt.Sscanf(c.Args[0], "data/measurements-%d-", &rows)
	return rows
}

// scaleBehaviour answers correctly in a wall time given by f(rows, cores).
func scaleBehaviour(f func(rows int64, cores int) time.Duration) func(int, Command) (Measurement, error) {
	return func(n int, c Command) (Measurement, error) {
		w := f(rowsOf(c), gomaxprocs(c.Env))
		return Measurement{Wall: w, User: w * 9 / 10, Sys: w / 10, PeakRSS: 32 << 20, PeakAnon: 6 << 20, Processes: 1, Stdout: []byte(answer)}, nil
	}
}

// scaleRunner is the fake runner of a sweep: a single-threaded step, a
// parallel one, one with a race that shows on 2 cores at 10M rows, and a
// reference with a fixed start-up cost.
func scaleRunner() *fakeRunner {
	return &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"01-naive": scaleBehaviour(func(rows int64, _ int) time.Duration { return time.Duration(rows) * 200 }),
		"02-parallel": scaleBehaviour(func(rows int64, cores int) time.Duration {
			return time.Duration(float64(rows) * 100 / float64(cores) * (1 + 0.1*float64(cores-1)))
		}),
		"03-racy": func(n int, c Command) (Measurement, error) {
			if rowsOf(c) == 10_000_000 && gomaxprocs(c.Env) == 2 {
				return Measurement{Wall: time.Second, Stdout: []byte("{Hamburg=12.0/23.1/34.2}\n")}, nil
			}
			return scaleBehaviour(func(rows int64, cores int) time.Duration { return time.Duration(rows) * 90 / time.Duration(cores) })(n, c)
		},
		"duckdb": scaleBehaviour(func(rows int64, cores int) time.Duration {
			return 80*time.Millisecond + time.Duration(rows)*20/time.Duration(cores)
		}),
	}}
}

// oneLineFailures returns a copy of s with each failure on one line, as
// the raw file records it.
func oneLineFailures(s ScaleSuite) ScaleSuite {
	out := ScaleSuite{Config: s.Config}
	for _, p := range s.Points {
		p.Results = slices.Clone(p.Results)
		for j := range p.Results {
			p.Results[j].Failure = oneLine(p.Results[j].Failure)
		}
		out.Points = append(out.Points, p)
	}
	return out
}

// fakePin records the core counts it pins to and how often it restores.
type fakePin struct {
	pins     []int
	restores int
}

func (p *fakePin) pin(cores int) (func(), error) {
	p.pins = append(p.pins, cores)
	return func() { p.restores++ }, nil
}

// scaleConfigFixture is a fixed shared configuration for golden files,
// with the machine's "cores" as MachineConfig writes it.
func scaleConfigFixture() []Config {
	return []Config{
		{KeyGoos, "linux"}, {KeyGoarch, "amd64"}, {KeyCPU, "AMD EPYC 7B13"}, {KeyCores, "2"},
		{KeyGo, "go1.26.8"}, {KeyCommit, "abc1234"}, {KeyHost, "bench-box"},
		{KeyCommand, "go run ./cmd/run scale --rows 1e6,1e7,1e8 --cores 1,2"},
		{KeyStationSet, "classic"}, {KeySeed, "1"},
	}
}

// runScaleFixture runs the fake sweep: 3 sizes × 2 core counts, five
// solutions of which one does not build.
func runScaleFixture(t *testing.T) (ScaleSuite, *fakeRunner, *fakePin, []string, []ScaleSuite) {
	t.Helper()
	r := scaleRunner()
	pin := &fakePin{}
	var log []string
	var records []ScaleSuite
	builds := map[string]int{}
	s, err := Scale(context.Background(), ScaleOptions{
		Solutions: sols("01-naive", "02-parallel", "03-racy", "04-broken", "duckdb"),
		Rows:      []int64{1_000_000, 10_000_000, 100_000_000},
		Cores:     []int{1, 2},
		Data: func(_ context.Context, rows int64) (Data, error) {
			log = append(log, fmt.Sprintf("data %d", rows))
			return scaleData(rows), nil
		},
		Runner: func(cores int) Runner { return OnCores(r, cores, pin.pin) },
		Build: func(ctx context.Context, s Solution) (string, error) {
			builds[s.Name]++
			return fakeBuild("04-broken")(ctx, s)
		},
		Policy: Policy{Runs: 3, Warmup: 1, Timeout: time.Minute},
		Config: scaleConfigFixture(),
		Point: func(p ScalePoint, index, total int) {
			log = append(log, fmt.Sprintf("point %d/%d %d×%d %s", index, total, p.Rows, p.Cores, p.File))
		},
		Progress: func(e Event) {
			if e.Kind == EventBuild {
				log = append(log, "build "+e.Name)
			}
		},
		Record: func(s ScaleSuite) error {
			var b bytes.Buffer
			if err := WriteScaleRaw(&b, s); err != nil {
				return err
			}
			got, err := ReadScaleRaw(&b, "record")
			records = append(records, got)
			return err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range builds {
		if n != 1 {
			t.Errorf("%s built %d times, want once for the whole sweep", name, n)
		}
	}
	return s, r, pin, log, records
}

func TestScaleSweep(t *testing.T) {
	s, r, pin, log, records := runScaleFixture(t)
	wantLog := []string{
		"data 1000000",
		"point 1/6 1000000×1 data/measurements-1000000-classic-seed1.txt",
		"build 01-naive", "build 02-parallel", "build 03-racy", "build 04-broken", "build duckdb",
		"point 2/6 1000000×2 data/measurements-1000000-classic-seed1.txt",
		"data 10000000",
		"point 3/6 10000000×1 data/measurements-10000000-classic-seed1.txt",
		"point 4/6 10000000×2 data/measurements-10000000-classic-seed1.txt",
		"data 100000000",
		"point 5/6 100000000×1 data/measurements-100000000-classic-seed1.txt",
		"point 6/6 100000000×2 data/measurements-100000000-classic-seed1.txt",
	}
	if !reflect.DeepEqual(log, wantLog) {
		t.Errorf("sweep order:\n%s\nwant:\n%s", strings.Join(log, "\n"), strings.Join(wantLog, "\n"))
	}
	// Every run of every built solution went through the pin, with
	// GOMAXPROCS set to the point's cores.
	if len(pin.pins) != len(r.calls) || pin.restores != len(r.calls) {
		t.Errorf("%d runs, %d pins, %d restores: want one pin and one restore per run", len(r.calls), len(pin.pins), pin.restores)
	}
	for i, c := range r.calls {
		if g := gomaxprocs(c.Env); g != pin.pins[i] || g < 1 {
			t.Errorf("run %d: GOMAXPROCS %d, pinned to %d cores", i, g, pin.pins[i])
		}
	}
	// 4 runs (1 warm-up + 3 timed) per point; 03-racy fails in its
	// warm-up at 10M rows on 2 cores.
	if got := r.counts["01-naive"]; got != 24 {
		t.Errorf("01-naive ran %d times, want 24", got)
	}
	if got := r.counts["03-racy"]; got != 21 {
		t.Errorf("03-racy ran %d times, want 21", got)
	}
	if len(records) != 6*5 {
		t.Errorf("Record called %d times, want 30: after each solution at each point", len(records))
	}
	if !reflect.DeepEqual(records[len(records)-1], oneLineFailures(s)) {
		t.Errorf("the last record differs from the sweep Scale returned")
	}
	if got := s.Get(KeyCPUs); got != "2" || s.Get(KeyCores) != "" {
		t.Errorf("shared config: cpus %q, cores %q; want the machine's cores renamed cpus", got, s.Get(KeyCores))
	}
	if p := s.Point(10_000_000, 2); p == nil || p.Results[2].Failure == "" || len(p.Results[2].Runs) != 0 {
		t.Errorf("03-racy at 10M rows on 2 cores: %+v, want a failure", p)
	}

	var raw bytes.Buffer
	if err := WriteScaleRaw(&raw, s); err != nil {
		t.Fatal(err)
	}
	golden(t, "scale-raw.golden", raw.String())
	var md bytes.Buffer
	if err := WriteScaleReport(&md, s, ScaleReportOptions{Raw: "scale-2026-11-24T093000Z-bench-box.txt", RowsChart: ScaleRowsChartFile, CoresChart: ScaleCoresChartFile}); err != nil {
		t.Fatal(err)
	}
	golden(t, "scale.golden.md", md.String())
}

// TestScaleInterleaved checks the order of a sweep's runs with
// ScaleOptions.Interleave: at each point, warm-ups in turn, then one timed
// run of each solution a round, reversed every other round, rounds
// numbered from 1 at every point; 03-racy, which fails its warm-up at 10M
// rows on 2 cores, stays out of that point's rounds only. The same sweep
// in turn gives the same results and the same report but for its Schedule
// line: the report compares one solution's medians across points, which
// rounds do not pair.
func TestScaleInterleaved(t *testing.T) {
	sweep := func(interleave bool, schedule string) (ScaleSuite, []string) {
		t.Helper()
		r := scaleRunner()
		var log, ran []string
		s, err := Scale(context.Background(), ScaleOptions{
			Solutions:  sols("01-naive", "02-parallel", "03-racy"),
			Rows:       []int64{1_000_000, 10_000_000},
			Cores:      []int{1, 2},
			Data:       func(_ context.Context, rows int64) (Data, error) { return scaleData(rows), nil },
			Runner:     func(cores int) Runner { return OnCores(r, cores, nil) },
			Build:      fakeBuild(),
			Policy:     Policy{Runs: 3, Warmup: 1, Timeout: time.Minute},
			Interleave: interleave,
			Config:     append(scaleConfigFixture(), Config{KeySchedule, schedule}),
			Point: func(p ScalePoint, _, _ int) {
				log = append(log, fmt.Sprintf("point %d×%d", p.Rows, p.Cores))
			},
			Progress: func(e Event) {
				switch e.Kind {
				case EventRound:
					log = append(log, fmt.Sprintf("round %d", e.Run))
				case EventRunStart:
					if e.Round != 0 && e.Phase != PhaseTimed {
						t.Errorf("%s: a %s run in round %d", e.Name, e.Phase, e.Round)
					}
					log = append(log, e.Phase+" "+e.Name)
					ran = append(ran, e.Name)
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		var calls []string
		for _, c := range r.calls {
			calls = append(calls, filepath.Base(c.Path))
		}
		if !slices.Equal(calls, ran) {
			t.Errorf("the runner ran %q, the events announced %q", calls, ran)
		}
		return s, log
	}

	s, log := sweep(true, ScheduleRounds)
	rounds := func(names ...string) []string {
		var l []string
		for _, n := range names {
			l = append(l, "warm-up "+n)
		}
		for i := 1; i <= 3; i++ {
			l = append(l, fmt.Sprintf("round %d", i))
			order := slices.Clone(names)
			if i%2 == 0 {
				slices.Reverse(order)
			}
			for _, n := range order {
				l = append(l, "timed "+n)
			}
		}
		return l
	}
	all := rounds("01-naive", "02-parallel", "03-racy")
	var want []string
	want = append(append(want, "point 1000000×1"), all...)
	want = append(append(want, "point 1000000×2"), all...)
	want = append(append(want, "point 10000000×1"), all...)
	racy := slices.Concat([]string{"warm-up 01-naive", "warm-up 02-parallel", "warm-up 03-racy"}, rounds("01-naive", "02-parallel")[2:])
	want = append(append(want, "point 10000000×2"), racy...)
	if !slices.Equal(log, want) {
		t.Errorf("runs\n got %q\nwant %q", log, want)
	}
	if p := s.Point(10_000_000, 2); p == nil || len(p.Results) != 3 || p.Results[2].Failure == "" || len(p.Results[1].Runs) != 3 {
		t.Errorf("10M rows on 2 cores: %+v, want 01-naive and 02-parallel with 3 runs each and 03-racy failed", p)
	}

	turn, _ := sweep(false, ScheduleInTurn)
	for i := range s.Points {
		if !reflect.DeepEqual(s.Points[i], turn.Points[i]) {
			t.Errorf("point %d in rounds %+v, in turn %+v: want the same results", i, s.Points[i], turn.Points[i])
		}
	}
	var inRounds, inTurn bytes.Buffer
	if err := WriteScaleReport(&inRounds, s, ScaleReportOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteScaleReport(&inTurn, turn, ScaleReportOptions{}); err != nil {
		t.Fatal(err)
	}
	var diff []string
	a, b := strings.Split(inRounds.String(), "\n"), strings.Split(inTurn.String(), "\n")
	if len(a) != len(b) {
		t.Fatalf("reports of %d and %d lines, want the same but for the Schedule line:\n%s\n%s", len(a), len(b), &inRounds, &inTurn)
	}
	for i := range a {
		if a[i] != b[i] {
			diff = append(diff, a[i], b[i])
		}
	}
	wantDiff := []string{
		"- **Schedule:** at each point, timed runs in rounds, one run of each solution a round (a drift of the machine's speed hits the solutions of a point alike; speedup and k compare points taken at different times, by medians, which a drift between points still moves)",
		"- **Schedule:** at each point, each solution's timed runs in turn (a drift of the machine's speed between solutions shows as a difference)",
	}
	if !slices.Equal(diff, wantDiff) {
		t.Errorf("the reports in rounds and in turn differ in\n%q\nwant only the Schedule line:\n%q", diff, wantDiff)
	}
}

// The numbers behind the report, from the fake times.
func TestScaleStatistics(t *testing.T) {
	s, _, _, _, _ := runScaleFixture(t)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	tests := []struct {
		name string
		got  func() (float64, bool)
		want float64
		ok   bool
	}{
		{"naive median", func() (float64, bool) { return s.Median("01-naive", 10_000_000, 1) }, 2, true},
		{"naive speedup", func() (float64, bool) { return s.Speedup("01-naive", 100_000_000, 2) }, 1, true},
		{"naive efficiency", func() (float64, bool) { return s.Efficiency("01-naive", 100_000_000, 2) }, 0.5, true},
		{"parallel speedup", func() (float64, bool) { return s.Speedup("02-parallel", 100_000_000, 2) }, 2 / 1.1, true},
		{"parallel efficiency", func() (float64, bool) { return s.Efficiency("02-parallel", 100_000_000, 2) }, 1 / 1.1, true},
		{"naive growth", func() (float64, bool) { return s.Growth("01-naive", 2, 10_000_000, 100_000_000) }, 1, true},
		{"duckdb growth", func() (float64, bool) { return s.Growth("duckdb", 2, 1_000_000, 10_000_000) },
			math.Log10((0.08 + 0.1) / (0.08 + 0.01)), true},
		{"failed point", func() (float64, bool) { return s.Median("03-racy", 10_000_000, 2) }, 0, false},
		{"speedup of a failed point", func() (float64, bool) { return s.Speedup("03-racy", 10_000_000, 2) }, 0, false},
		{"never built", func() (float64, bool) { return s.Median("04-broken", 1_000_000, 1) }, 0, false},
		{"not in the sweep", func() (float64, bool) { return s.Median("01-naive", 5, 1) }, 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.got()
		if ok != tt.ok || !near(got, tt.want) {
			t.Errorf("%s = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if got, want := s.Solutions(), []string{"01-naive", "02-parallel", "03-racy", "04-broken", "duckdb"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Solutions() = %q, want %q", got, want)
	}
	if got, want := s.Sizes(), []int64{1_000_000, 10_000_000, 100_000_000}; !reflect.DeepEqual(got, want) {
		t.Errorf("Sizes() = %v, want %v", got, want)
	}
	if got, want := s.CoreCounts(), []int{1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("CoreCounts() = %v, want %v", got, want)
	}
}

// The raw file round trip: everything WriteScaleRaw writes comes back,
// including points where nothing passed (first and last), and every
// result line carries its point's rows and cores for benchstat.
func TestScaleRawRoundTrip(t *testing.T) {
	s, _, _, _, _ := runScaleFixture(t)
	allFailed := ScalePoint{Rows: 5000, Cores: 1, File: "data/measurements-5000-classic-seed1.txt", Bytes: 69000, Stations: 413,
		Results: []Result{{Name: "01-naive", Failure: "warm-up run 1: exit status 2: panic: boom"}}}
	s.Points = append([]ScalePoint{allFailed}, s.Points...)
	s.Points[1].Results[0].FirstRunTimed = true
	empty := ScalePoint{Rows: 1_000_000_000, Cores: 2, File: "data/measurements.txt", Bytes: 13795435610, Stations: 413}
	s.Points = append(s.Points, empty)
	var b bytes.Buffer
	if err := WriteScaleRaw(&b, s); err != nil {
		t.Fatal(err)
	}
	got, err := ReadScaleRaw(bytes.NewReader(b.Bytes()), "scale.txt")
	if err != nil {
		t.Fatal(err)
	}
	s = oneLineFailures(s)
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v\nfile:\n%s", got, s, b.String())
	}

	// What benchstat sees: each result line with its point's configuration.
	r := benchfmt.NewReader(bytes.NewReader(b.Bytes()), "scale.txt")
	perPoint := map[string]int{}
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			t.Fatalf("benchfmt: %v", r.Result())
		}
		key := fmt.Sprintf("%s×%s %s", res.GetConfig(KeyRows), res.GetConfig(KeyCores), res.GetConfig(KeyFile))
		if res.GetConfig(KeyCPUs) != "2" || res.GetConfig(KeyStationSet) != "classic" {
			t.Errorf("%s: shared configuration lost", key)
		}
		perPoint[key]++
	}
	want := map[string]int{}
	for _, p := range s.Points {
		for _, res := range p.Results {
			if len(res.Runs) > 0 {
				want[fmt.Sprintf("%d×%d %s", p.Rows, p.Cores, p.File)] += len(res.Runs)
			}
		}
	}
	if !reflect.DeepEqual(perPoint, want) {
		t.Errorf("result lines per point (as benchfmt reads them) %v, want %v", perPoint, want)
	}

	// Nothing passed anywhere: the configuration is still there.
	none := ScaleSuite{Config: s.Config, Points: []ScalePoint{allFailed}}
	b.Reset()
	if err := WriteScaleRaw(&b, none); err != nil {
		t.Fatal(err)
	}
	got, err = ReadScaleRaw(bytes.NewReader(b.Bytes()), "none.txt")
	if err != nil || !reflect.DeepEqual(got, none) {
		t.Errorf("round trip without results: %+v, %v\nwant %+v\nfile:\n%s", got, err, none, b.String())
	}
}

func TestReadScaleRawErrors(t *testing.T) {
	var bench bytes.Buffer
	if err := WriteRaw(&bench, sampleSuite()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, err string
	}{
		{"a benchmark's raw file", bench.String(), `bench.txt:18: a benchmark's annotation: this is the raw file of "run bench", not of a scale sweep`},
		{"no cores", "rows: 1\n\nBenchmarkOneBRC/solution=a 1 5 ns/op\n", `no cores.txt:3: want "rows" and "cores" in the configuration of every result of a scale sweep, got "1" and ""`},
		{"bad annotation", "rows: 1\ncores: 1\n\n# onebrc rows=1 cores=x solution=a warmups: 1\n", `bad annotation.txt:4: malformed annotation "# onebrc rows=1 cores=x solution=a warmups: 1"`},
		{"unknown key", "# onebrc rows=1 cores=1 solution=a color: red\n", `unknown key.txt:1: unknown annotation "color"`},
		{"unknown point key", "# onebrc rows=1 cores=1 color: red\n", `unknown point key.txt:1: unknown point annotation "color"`},
		{"bad warmups", "# onebrc rows=1 cores=1 solution=a warmups: many\n", `bad warmups.txt:1: warmups: strconv.Atoi: parsing "many": invalid syntax`},
		{"no wall time", "rows: 1\ncores: 1\n\nBenchmarkOneBRC/solution=a 1 5 MB/s\n", `no wall time.txt:4: OneBRC/solution=a has no ns/op`},
	}
	for _, tt := range tests {
		name := tt.name
		if name == "a benchmark's raw file" {
			name = "bench"
		}
		_, err := ReadScaleRaw(strings.NewReader(tt.content), name+".txt")
		if err == nil || err.Error() != tt.err {
			t.Errorf("%s: ReadScaleRaw error %v, want %q", tt.name, err, tt.err)
		}
	}
	// And the other way round: a sweep's raw file is no benchmark's.
	var scale bytes.Buffer
	s, _, _, _, _ := runScaleFixture(t)
	if err := WriteScaleRaw(&scale, s); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRaw(&scale, "scale.txt"); err == nil || !strings.Contains(err.Error(), `a scale sweep's annotation: this is the raw file of "run scale"`) {
		t.Errorf("ReadRaw of a scale raw file = %v", err)
	}
	if err := WriteScaleRaw(&bytes.Buffer{}, ScaleSuite{Config: []Config{{KeyRows, "5"}}}); err == nil {
		t.Errorf("WriteScaleRaw accepted rows as a shared key")
	}
}

// Ctrl-C in the middle of the second point: the first point and the
// finished solution of the second are kept; nothing else runs.
func TestScaleInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := scaleRunner()
	calls := 0
	r.behave["02-parallel"] = func(n int, c Command) (Measurement, error) {
		calls++
		if calls == 6 { // the second run at the second point
			cancel()
			return Measurement{}, context.Canceled
		}
		return correct(time.Second)(n, c)
	}
	var last ScaleSuite
	s, err := Scale(ctx, ScaleOptions{
		Solutions: sols("01-naive", "02-parallel", "duckdb"),
		Rows:      []int64{1_000_000, 10_000_000},
		Cores:     []int{1, 2},
		Data:      func(_ context.Context, rows int64) (Data, error) { return scaleData(rows), nil },
		Runner:    func(cores int) Runner { return OnCores(r, cores, nil) },
		Build:     fakeBuild(),
		Policy:    Policy{Runs: 3, Warmup: 1},
		Record:    func(s ScaleSuite) error { last = s; return nil },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(s.Points) != 2 || len(s.Points[0].Results) != 3 || len(s.Points[1].Results) != 1 || s.Points[1].Results[0].Name != "01-naive" {
		t.Fatalf("kept %+v; want the first point whole and 01-naive of the second", s.Points)
	}
	if !reflect.DeepEqual(last, s) {
		t.Errorf("the last record is not what Scale returned")
	}
	if r.counts["duckdb"] != 4 {
		t.Errorf("duckdb ran %d times, want 4 (the first point only)", r.counts["duckdb"])
	}

	// A data file that cannot be had stops the sweep after the sizes before it.
	s, err = Scale(context.Background(), ScaleOptions{
		Solutions: sols("01-naive"),
		Rows:      []int64{1_000_000, 10_000_000},
		Cores:     []int{1},
		Data: func(_ context.Context, rows int64) (Data, error) {
			if rows > 1_000_000 {
				return Data{}, errors.New("not enough disk space")
			}
			return scaleData(rows), nil
		},
		Runner: func(cores int) Runner { return OnCores(scaleRunner(), cores, nil) },
		Build:  fakeBuild(),
		Policy: Policy{Runs: 1, Warmup: 0},
	})
	if err == nil || err.Error() != "not enough disk space" || len(s.Points) != 1 {
		t.Errorf("Scale with a missing data file = %d points, %v; want 1 point and the error", len(s.Points), err)
	}
}

func TestOnCores(t *testing.T) {
	var got Command
	r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"prog": func(_ int, c Command) (Measurement, error) { got = c; return Measurement{Wall: time.Second}, nil },
	}}
	pin := &fakePin{}
	cmd := Command{Path: "/bin/prog", Env: []string{"ONEBRC_CPUPROFILE=/tmp/p"}}
	if _, err := OnCores(r, 3, pin.pin).Run(context.Background(), cmd); err != nil {
		t.Fatal(err)
	}
	if want := []string{"ONEBRC_CPUPROFILE=/tmp/p", "GOMAXPROCS=3"}; !reflect.DeepEqual(got.Env, want) {
		t.Errorf("env %q, want %q", got.Env, want)
	}
	if len(cmd.Env) != 1 {
		t.Errorf("OnCores changed its caller's command: %q", cmd.Env)
	}
	if !reflect.DeepEqual(pin.pins, []int{3}) || pin.restores != 1 {
		t.Errorf("pinned %v, restored %d times; want [3] and 1", pin.pins, pin.restores)
	}
	failing := func(int) (func(), error) { return nil, errors.New("harness: 3 cores asked for, only 2 CPUs available") }
	_, err := OnCores(r, 3, failing).Run(context.Background(), cmd)
	if err == nil || err.Error() != "harness: run on 3 cores: harness: 3 cores asked for, only 2 CPUs available" {
		t.Errorf("Run with a failing pin = %v", err)
	}
	if r.counts["prog"] != 1 {
		t.Errorf("the program ran although the pin failed")
	}
}

func TestMergeEnv(t *testing.T) {
	tests := []struct {
		base, extra, want []string
	}{
		{[]string{"A=1", "B=2"}, nil, []string{"A=1", "B=2"}},
		{[]string{"A=1", "GOMAXPROCS=8", "B=2"}, []string{"GOMAXPROCS=1"}, []string{"A=1", "B=2", "GOMAXPROCS=1"}},
		{[]string{"GOMAXPROCS=8", "GOMAXPROCS=4"}, []string{"GOMAXPROCS=2", "X=y=z"}, []string{"GOMAXPROCS=2", "X=y=z"}},
		{[]string{"GOMAXPROCSX=1", "=odd"}, []string{"GOMAXPROCS=2"}, []string{"GOMAXPROCSX=1", "=odd", "GOMAXPROCS=2"}},
	}
	for _, tt := range tests {
		if got := mergeEnv(tt.base, tt.extra); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("mergeEnv(%q, %q) = %q, want %q", tt.base, tt.extra, got, tt.want)
		}
	}
}

func TestScaleDataFile(t *testing.T) {
	dir := t.TempDir()
	canonical := filepath.Join(dir, "measurements-1000000000-classic-seed1.txt")
	tests := []struct {
		name     string
		files    []string // created before the call
		rows     int64
		stations string
		seed     uint64
		want     string
	}{
		{"plain integer", nil, 10_000_000, "classic", 1, filepath.Join(dir, "measurements-10000000-classic-seed1.txt")},
		{"10k, seed 7", nil, 250_000, "10k", 7, filepath.Join(dir, "measurements-250000-10k-seed7.txt")},
		{"1B without the default file", nil, 1e9, "classic", 1, canonical},
		{"1B, default file without its .out", []string{"measurements.txt"}, 1e9, "classic", 1, canonical},
		{"1B, the Makefile's default file", []string{"measurements.txt", "measurements.out"}, 1e9, "classic", 1, filepath.Join(dir, "measurements.txt")},
		{"1B of another seed", nil, 1e9, "classic", 2, filepath.Join(dir, "measurements-1000000000-classic-seed2.txt")},
		{"1B of 10k", nil, 1e9, "10k", 1, filepath.Join(dir, "measurements-1000000000-10k-seed1.txt")},
	}
	for _, tt := range tests {
		for _, f := range tt.files {
			writeTemp(t, dir, f, "")
		}
		if got := ScaleDataFile(dir, tt.rows, tt.stations, tt.seed); got != tt.want {
			t.Errorf("%s: ScaleDataFile = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestLoadScaleData(t *testing.T) {
	dir := t.TempDir()
	var generated []string
	note := func(path string, size int64) {
		generated = append(generated, fmt.Sprintf("%s %d", filepath.Base(path), size))
	}
	d, err := LoadScaleData(context.Background(), dir, 2000, "classic", 1, true, note) // nothing cached to drop: it is written here
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "measurements-2000-classic-seed1.txt")
	if d.Path != path || d.Size.Rows != 2000 || d.ExpectedFrom != ExpectedPath(path) || len(generated) != 1 || !strings.HasPrefix(generated[0], "measurements-2000-classic-seed1.txt ") {
		t.Errorf("LoadScaleData = %s, %d rows, answer from %s; generated %q", d.Path, d.Size.Rows, d.ExpectedFrom, generated)
	}
	first, _ := os.ReadFile(path)
	// The second time it is reused as it is, and with fresh (where the
	// page cache can be dropped) read back whole.
	fresh := runtime.GOOS == "linux"
	if d2, err := LoadScaleData(context.Background(), dir, 2000, "classic", 1, fresh, note); err != nil || len(generated) != 1 || d2.Size != d.Size || fresh && d2.Resident < WellCached {
		t.Errorf("second LoadScaleData(fresh %v) = %+v resident %v, %v; generated %q, want the file reused", fresh, d2.Size, d2.Resident, err, generated)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(first, again) {
		t.Errorf("the reused file changed")
	}
	// A file whose rows do not match its name is refused.
	wrong := writeTemp(t, dir, "measurements-3000-classic-seed1.txt", "Hamburg;12.0\n")
	writeTemp(t, dir, "measurements-3000-classic-seed1.out", "{Hamburg=12.0/12.0/12.0}\n")
	_, err = LoadScaleData(context.Background(), dir, 3000, "classic", 1, false, note)
	if err == nil || err.Error() != "harness: "+wrong+" holds 1 rows, not 3000: remove it, or use another data directory" {
		t.Errorf("LoadScaleData of a wrong file = %v", err)
	}
	if _, err := LoadScaleData(context.Background(), dir, 10, "tropical", 1, false, note); err == nil || !strings.Contains(err.Error(), "tropical") {
		t.Errorf("LoadScaleData of an unknown station set = %v", err)
	}
}

// The report and charts of small and broken sweeps.
func TestScaleReportEdges(t *testing.T) {
	one := ScaleSuite{Config: scaleConfigFixture()[4:], Points: []ScalePoint{{
		Rows: 1_000_000, Cores: 1, File: "data/m.txt", Bytes: 13_800_000, Stations: 413,
		Results: []Result{{Name: "01-naive", Runs: runs(0.25, 0.26, 0.24)}, {Name: "02-broken", Failure: "harness: build 02-broken: build failed"}},
	}}}
	var md bytes.Buffer
	if err := WriteScaleReport(&md, one, ScaleReportOptions{Raw: "scale-x.txt", RowsChart: ScaleRowsChartFile, CoresChart: ScaleCoresChartFile}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `01-naive` | 4.00 M/s (250.0 ms) |",
		"| `02-broken` | ✗ |",
		"- `02-broken` at 1M rows on 1 core: harness: build 02-broken: build failed",
		"![Median wall time against rows at 1 core, log-log](scale-rows.svg)",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("report of one point lacks %q:\n%s", want, md.String())
		}
	}
	for _, unwanted := range []string{"k (", "Speedup against cores", "scale-cores.svg"} {
		if strings.Contains(md.String(), unwanted) {
			t.Errorf("report of one point has %q: no second size or core count to compare with", unwanted)
		}
	}
	failed := ScaleSuite{Points: []ScalePoint{{Rows: 1000, Cores: 1, Results: []Result{{Name: "01-naive", Failure: "boom"}}}}}
	for _, s := range []ScaleSuite{one, failed, {}} {
		for _, write := range []func(io *bytes.Buffer, s ScaleSuite) error{
			func(b *bytes.Buffer, s ScaleSuite) error { return WriteScaleRowsChart(b, s) },
			func(b *bytes.Buffer, s ScaleSuite) error { return WriteScaleCoresChart(b, s) },
		} {
			var b bytes.Buffer
			if err := write(&b, s); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("<?xml")) {
				t.Errorf("chart of %d points: %v", len(s.Points), err)
			}
		}
		if err := WriteScaleReport(&bytes.Buffer{}, s, ScaleReportOptions{}); err != nil {
			t.Errorf("report of %d points: %v", len(s.Points), err)
		}
	}
	var b bytes.Buffer
	WriteScaleRowsChart(&b, failed)
	if !bytes.Contains(b.Bytes(), []byte("no passing solution")) {
		t.Errorf("the chart of a sweep without a pass does not say so")
	}
}

func TestShortRowsAndRate(t *testing.T) {
	rows := map[int64]string{1e9: "1B", 2e9: "2B", 1e6: "1M", 250_000_000: "250M", 250_000: "250k", 1500: "1,500", 1_500_001: "1,500,001", 999: "999"}
	for n, want := range rows {
		if got := shortRows(n); got != want {
			t.Errorf("shortRows(%d) = %q, want %q", n, got, want)
		}
	}
	rates := map[float64]string{81.34e6: "81.3 M/s", 1.04e9: "1.04 G/s", 215e6: "215 M/s", 999: "999 /s", 4e3: "4.00 k/s"}
	for r, want := range rates {
		if got := formatRate(r); got != want {
			t.Errorf("formatRate(%g) = %q, want %q", r, got, want)
		}
	}
}

// RenderScale writes the report and its charts; the leaderboard links
// the report once it exists.
func TestRenderScaleFiles(t *testing.T) {
	s, _, _, _, _ := runScaleFixture(t)
	dir := t.TempDir()
	bench := filepath.Join(dir, RawFileName(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), "bench-box"))
	if err := SaveRaw(bench, sampleSuite()); err != nil {
		t.Fatal(err)
	}
	if err := RenderLeaderboard(dir, bench); err != nil {
		t.Fatal(err)
	}
	if lb, _ := os.ReadFile(filepath.Join(dir, LeaderboardFile)); bytes.Contains(lb, []byte("scale.md")) {
		t.Errorf("leaderboard links scale.md before it exists")
	}
	raw := filepath.Join(dir, ScaleRawFileName(time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC), "bench-box"))
	if err := SaveScaleRaw(raw, s); err != nil {
		t.Fatal(err)
	}
	if got, err := NewestScaleRawFile(dir); err != nil || got != raw {
		t.Errorf("NewestScaleRawFile = %s, %v; want %s", got, err, raw)
	}
	if got, err := NewestRawFile(dir); err != nil || got != bench {
		t.Errorf("NewestRawFile = %s, %v; want the benchmark's %s, not the sweep's", got, err, bench)
	}
	if err := RenderScale(dir, raw); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, ScaleFile))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join("testdata", "scale.golden.md"))
	if !bytes.Equal(md, want) {
		t.Errorf("RenderScale's scale.md differs from testdata/scale.golden.md")
	}
	rows, _ := os.ReadFile(filepath.Join(dir, ScaleRowsChartFile))
	for _, w := range []string{"<svg", "Median wall time against rows, at 2 cores", "01-naive", "duckdb (reference)", "100M", "1 s"} {
		if !bytes.Contains(rows, []byte(w)) {
			t.Errorf("%s lacks %q", ScaleRowsChartFile, w)
		}
	}
	if bytes.Contains(rows, []byte("04-broken")) {
		t.Errorf("%s has a line for 04-broken, which never built", ScaleRowsChartFile)
	}
	cores, _ := os.ReadFile(filepath.Join(dir, ScaleCoresChartFile))
	for _, w := range []string{"<svg", "Speedup against cores, at 100M rows", "ideal (linear)", "02-parallel", "speedup over 1 core"} {
		if !bytes.Contains(cores, []byte(w)) {
			t.Errorf("%s lacks %q", ScaleCoresChartFile, w)
		}
	}
	if err := RenderLeaderboard(dir, bench); err != nil {
		t.Fatal(err)
	}
	if lb, _ := os.ReadFile(filepath.Join(dir, LeaderboardFile)); !bytes.Contains(lb, []byte("- **Scaling:** see [scale.md](scale.md)")) {
		t.Errorf("leaderboard does not link scale.md:\n%s", lb)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	wantNames := []string{filepath.Base(bench), "leaderboard.md", "leaderboard.svg", "scale-2026-11-24T093000Z-bench-box.txt", "scale-cores.svg", "scale-rows.svg", "scale.md"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("dir holds %q, want %q (no temporaries)", names, wantNames)
	}
	if _, err := NewestScaleRawFile(t.TempDir()); !errors.Is(err, ErrNoScaleRawFile) {
		t.Errorf("NewestScaleRawFile of an empty dir = %v, want ErrNoScaleRawFile", err)
	}
}

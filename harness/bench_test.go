package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBenchPolicy(t *testing.T) {
	auto := DefaultPolicy
	exact := func(runs, warmup int) Policy {
		p := DefaultPolicy
		p.Runs, p.Warmup = runs, warmup
		return p
	}
	tests := []struct {
		name          string
		policy        Policy
		walls         []time.Duration
		warmups, runs int
		firstTimed    bool
	}{
		// 3 s of runs at 100 ms each: 30 runs after the warm-up.
		{"fast gets 3 s of runs", auto, []time.Duration{ms(100)}, 1, 30, false},
		// At least 10 runs even when they take longer than 3 s in total.
		{"at least 10 runs", auto, []time.Duration{2 * time.Second}, 1, 10, false},
		// MaxRuns caps a very fast solution.
		{"at most 100 runs", auto, []time.Duration{ms(1)}, 1, 100, false},
		// 8 s runs: the warm-up plus 6 timed runs fit in 60 s, a 7th would not.
		{"capped by max-time", auto, []time.Duration{8 * time.Second}, 1, 6, false},
		// 25 s runs: the warm-up and one timed run.
		{"one timed run after the warm-up", auto, []time.Duration{25 * time.Second}, 1, 1, false},
		// A warm-up of half of max-time or more is the only timed sample.
		{"slow first run is the only sample", auto, []time.Duration{30 * time.Second}, 0, 1, true},
		{"naive on 1B rows", auto, []time.Duration{8 * time.Minute}, 0, 1, true},
		// The estimate follows the runs: a slow warm-up, then fast runs.
		{"estimate settles", auto, []time.Duration{20 * time.Second, time.Second}, 1, 10, false},
		{"exact runs, no warm-up", exact(3, 0), []time.Duration{8 * time.Minute}, 0, 3, false},
		{"exact runs after a slow first run", exact(2, -1), []time.Duration{40 * time.Second}, 0, 2, true},
		{"exact warm-ups, no shortcut", exact(0, 2), []time.Duration{40 * time.Second}, 2, 1, false},
		{"exact both", exact(5, 3), []time.Duration{ms(10)}, 3, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){"01-naive": correct(tt.walls...)}}
			suite, err := Bench(context.Background(), Options{
				Solutions: sols("01-naive"), Data: fakeData(), Runner: r, Build: fakeBuild(), Policy: tt.policy,
			})
			if err != nil {
				t.Fatal(err)
			}
			res := suite.Results[0]
			if res.Failure != "" {
				t.Fatalf("unexpected failure %q", res.Failure)
			}
			if res.Warmups != tt.warmups || len(res.Runs) != tt.runs || res.FirstRunTimed != tt.firstTimed {
				t.Errorf("warm-ups %d, timed runs %d, first run timed %v; want %d, %d, %v",
					res.Warmups, len(res.Runs), res.FirstRunTimed, tt.warmups, tt.runs, tt.firstTimed)
			}
			if calls := len(r.calls); calls != tt.warmups+tt.runs {
				t.Errorf("%d runs of the program, want %d", calls, tt.warmups+tt.runs)
			}
			for _, c := range r.calls {
				if c.Path != "/bin/01-naive" || len(c.Args) != 1 || c.Args[0] != "data/fake.txt" || c.Timeout != tt.policy.Timeout {
					t.Fatalf("ran %+v, want /bin/01-naive data/fake.txt with timeout %s", c, tt.policy.Timeout)
				}
			}
		})
	}
}

// The 1B-row budget: with the default policy, each solution costs about
// max(60 s, one run), so a suite like ours fits in 40 minutes.
func TestBenchBudget(t *testing.T) {
	one := map[string]time.Duration{
		"01-naive": 9 * time.Minute, "02-goroutines": 7 * time.Minute, "03-batched": 4 * time.Minute,
		"04-int-temps": 150 * time.Second, "05-mapreduce": 40 * time.Second, "06-no-alloc": 25 * time.Second,
		"07-swiss": 15 * time.Second, "08-mmap": 9 * time.Second, "09-workers": 6 * time.Second,
		"10-swar": 4 * time.Second, "11-fast": 3 * time.Second,
	}
	behave := map[string]func(int, Command) (Measurement, error){}
	var names []string
	for n, w := range one {
		behave[n] = correct(w)
		names = append(names, n)
	}
	r := &fakeRunner{behave: behave}
	if _, err := Bench(context.Background(), Options{Solutions: sols(names...), Data: fakeData(), Runner: r, Build: fakeBuild(), Policy: DefaultPolicy}); err != nil {
		t.Fatal(err)
	}
	var total time.Duration
	for _, c := range r.calls {
		total += one[c.Path[len("/bin/"):]]
	}
	if total > 40*time.Minute {
		t.Errorf("the suite would take %s of runs, want under 40 minutes", total)
	}
}

func TestBenchFailures(t *testing.T) {
	panicked := Measurement{Wall: ms(5), ExitCode: 2, Stderr: []byte("panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n")}
	behave := map[string]func(int, Command) (Measurement, error){
		"01-naive": correct(time.Second),
		"02-wrong": func(int, Command) (Measurement, error) {
			return Measurement{Wall: time.Second, Stdout: []byte("{Bulawayo=8.9/8.9/8.9, Hamburg=12.0/23.2/34.2}\n")}, nil
		},
		"03-crash": func(int, Command) (Measurement, error) { return panicked, nil },
		"04-hang": func(_ int, c Command) (Measurement, error) {
			return Measurement{Wall: c.Timeout, TimedOut: true, ExitCode: -1, Signal: "SIGKILL"}, nil
		},
		// Right four times, then wrong: a race, say.
		"05-flaky": func(n int, c Command) (Measurement, error) {
			if n == 4 {
				return Measurement{Wall: time.Second, Stdout: []byte("{Hamburg=12.0/23.1/34.2}\n")}, nil
			}
			return correct(time.Second)(n, c)
		},
		"07-fast": correct(ms(500)),
		"08-unrunnable": func(int, Command) (Measurement, error) {
			return Measurement{}, errors.New("harness: run /bin/08-unrunnable: permission denied")
		},
	}
	r := &fakeRunner{behave: behave}
	var recorded []int
	suite, err := Bench(context.Background(), Options{
		Solutions: sols("01-naive", "02-wrong", "03-crash", "04-hang", "05-flaky", "06-broken", "07-fast", "08-unrunnable"),
		Data:      fakeData(), Runner: r, Build: fakeBuild("06-broken"), Policy: DefaultPolicy,
		Record: func(s Suite) error { recorded = append(recorded, len(s.Results)); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"01-naive": "",
		"02-wrong": "warm-up run 1: wrong output: output differs (expected 2 stations, read 2)\n  1 stations with wrong values (min/mean/max):\n    \"Hamburg\": want 12.0/23.1/34.2, got 12.0/23.2/34.2",
		"03-crash": "warm-up run 1: exit status 2: panic: runtime error: index out of range [3] with length 3",
		"04-hang":  "warm-up run 1: timed out after 20m0s (process group killed)",
		"05-flaky": "timed run 4: wrong output: output differs (expected 2 stations, read 1)\n  1 missing stations: \"Bulawayo\"",
		"06-broken": "harness: build 06-broken: build failed: exit status 1\n" +
			"./main.go:3:1: syntax error: non-declaration statement outside function body",
		"07-fast":       "",
		"08-unrunnable": "warm-up run 1: cannot run: harness: run /bin/08-unrunnable: permission denied",
	}
	if len(suite.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(suite.Results), len(want))
	}
	for _, res := range suite.Results {
		if res.Failure != want[res.Name] {
			t.Errorf("%s: Failure = %q, want %q", res.Name, res.Failure, want[res.Name])
		}
		if res.Failure != "" && len(res.Runs) != 0 {
			t.Errorf("%s failed but kept %d timed runs", res.Name, len(res.Runs))
		}
		if res.Failure == "" && len(res.Runs) == 0 {
			t.Errorf("%s passed without timed runs", res.Name)
		}
	}
	if got := r.counts["03-crash"]; got != 1 {
		t.Errorf("03-crash ran %d times, want 1: a failure ends a solution's runs", got)
	}
	if got := fmt.Sprint(recorded); got != "[1 2 3 4 5 6 7 8]" {
		t.Errorf("Record saw suites of %s results, want one more after each solution", got)
	}
	rows := Rank(suite)
	if rows[0].Name != "07-fast" || rows[0].Rank != 1 || rows[1].Name != "01-naive" || rows[1].Rank != 2 {
		t.Errorf("ranking starts %s (%d), %s (%d); want 07-fast (1), 01-naive (2)", rows[0].Name, rows[0].Rank, rows[1].Name, rows[1].Rank)
	}
	for _, r := range rows[2:] {
		if r.Passed() || r.Rank != 0 {
			t.Errorf("failed %s ranked %d after the passing ones", r.Name, r.Rank)
		}
	}
}

// Ctrl-C during the second solution: the first one's result is kept and
// recorded, the second is dropped, the third never starts.
func TestBenchInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"01-naive": correct(time.Second),
		"02-next":  interruptedAt(2, cancel),
		"03-never": correct(time.Second),
	}}
	var saved []Suite
	suite, err := Bench(ctx, Options{
		Solutions: sols("01-naive", "02-next", "03-never"), Data: fakeData(), Runner: r, Build: fakeBuild(), Policy: DefaultPolicy,
		Record: func(s Suite) error { saved = append(saved, s); return nil },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(suite.Results) != 1 || suite.Results[0].Name != "01-naive" || len(suite.Results[0].Runs) == 0 {
		t.Fatalf("kept %+v, want 01-naive's finished result only", suite.Results)
	}
	if len(saved) != 1 || len(saved[0].Results) != 1 {
		t.Errorf("recorded %d times, want once, after 01-naive", len(saved))
	}
	if r.counts["03-never"] != 0 {
		t.Errorf("03-never ran after the interrupt")
	}
}

func TestBenchFloorAndProfile(t *testing.T) {
	dir := t.TempDir()
	r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"run": func(n int, c Command) (Measurement, error) {
			return Measurement{Wall: ms(400), Stdout: []byte("2000000000 bytes, 150000000 rows\n")}, nil
		},
		"01-naive": func(n int, c Command) (Measurement, error) {
			for _, e := range c.Env {
				if path, ok := strings.CutPrefix(e, "ONEBRC_CPUPROFILE="); ok {
					if err := os.WriteFile(path, []byte("pprof"), 0o644); err != nil {
						return Measurement{}, err
					}
				}
			}
			return correct(time.Second)(n, c)
		},
		"02-no-profile": correct(time.Second),
	}}
	suite, err := Bench(context.Background(), Options{
		Solutions: sols("01-naive", "02-no-profile"), Data: fakeData(), Runner: r, Build: fakeBuild(),
		Floor:  &Command{Path: "/bin/run", Args: []string{"floor", "data/fake.txt"}},
		Policy: Policy{Runs: 3, Warmup: 1, Timeout: time.Minute}, ProfileDir: dir + "/profiles",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := suite.Results[0]; got.Name != FloorName || len(got.Runs) != 3 || got.Failure != "" || got.Profile != "" {
		t.Errorf("first result %+v, want the floor with 3 runs and no profile", got)
	}
	if got := suite.Results[1].Profile; got != "profiles/01-naive.pprof" {
		t.Errorf("01-naive profile %q, want profiles/01-naive.pprof", got)
	}
	if got := suite.Results[2].Profile; got != "" {
		t.Errorf("02-no-profile wrote no profile but has %q", got)
	}
	// 1 warm-up + 3 timed + 1 profile run each.
	if r.counts["01-naive"] != 5 || r.counts["run"] != 4 {
		t.Errorf("runs: 01-naive %d, floor %d; want 5 and 4", r.counts["01-naive"], r.counts["run"])
	}
}

func TestBenchProgressPlain(t *testing.T) {
	r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"run":      correct(ms(400), ms(410), ms(405), ms(395), ms(400), ms(402)),
		"01-naive": correct(6*time.Minute + 2*time.Second),
		"02-wrong": func(int, Command) (Measurement, error) {
			return Measurement{Wall: time.Second, Stdout: []byte("{Bulawayo=8.9/8.9/8.9}\n")}, nil
		},
		"03-pool": correct(10*time.Second, 10*time.Second, 11*time.Second, 10*time.Second, 12*time.Second),
		"04-fast": correct(ms(900), ms(900), ms(910), ms(905), ms(2700), ms(902), ms(899), ms(903), ms(901), ms(900), ms(904)),
		"duckdb":  correct(ms(1500)),
		"05-crash": func(int, Command) (Measurement, error) {
			return Measurement{Wall: ms(3), ExitCode: 1, Stderr: []byte("05-crash: open data/fake.txt: too many open files\n")}, nil
		},
	}}
	var out bytes.Buffer
	rep := NewReporter(&out, false)
	suite, err := Bench(context.Background(), Options{
		Solutions: sols("01-naive", "02-wrong", "03-pool", "04-fast", "05-crash", "duckdb"), Data: fakeData(), Runner: r, Build: fakeBuild(),
		Floor: &Command{Path: "/bin/run", Args: []string{"floor", "data/fake.txt"}}, Policy: DefaultPolicy, Config: fakeConfig(),
		Progress: rep.Event,
	})
	rep.Close()
	if err != nil {
		t.Fatal(err)
	}
	WriteSummary(&out, suite)
	golden(t, "bench-plain.golden", out.String())

	var raw bytes.Buffer
	if err := WriteRaw(&raw, suite); err != nil {
		t.Fatal(err)
	}
	golden(t, "bench-raw.golden", raw.String())

	var md bytes.Buffer
	if err := WriteLeaderboard(&md, suite, LeaderboardOptions{Raw: "2026-11-24T093000Z-bench-box.txt", Chart: ChartFile, Scale: ScaleFile}); err != nil {
		t.Fatal(err)
	}
	golden(t, "leaderboard.golden.md", md.String())
}

// TestBenchInterleaved checks the order of the runs with Options.
// Interleave: builds and warm-ups in turn, then one timed run of each
// solution still running a round, the order reversed every other round; a
// solution leaves the rounds when its budget is spent, when it fails, or
// at once when its first run was its only sample, and gets its profile run
// then. The suite lists the results in the solutions' order.
func TestBenchInterleaved(t *testing.T) {
	r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"run":   func(int, Command) (Measurement, error) { return Measurement{Wall: ms(400)}, nil },
		"a":     correct(time.Second),
		"b-big": correct(3 * time.Second), // 1 warm-up and 3 timed runs fit in 14 s, not a fourth
		"c-bad": func(n int, c Command) (Measurement, error) {
			if n == 2 { // its second timed run
				return Measurement{Wall: time.Second, ExitCode: 2, Stderr: []byte("c-bad: boom\n")}, nil
			}
			return correct(time.Second)(n, c)
		},
		"d-slow": correct(8 * time.Second), // half of MaxTime or more: its first run is its only one
	}}
	var events []string
	var saved []string
	suite, err := Bench(context.Background(), Options{
		Solutions: sols("a", "b-big", "c-bad", "d-slow"), Data: fakeData(), Runner: r, Build: fakeBuild(),
		Floor:      &Command{Path: "/bin/run", Args: []string{"floor", "data/fake.txt"}},
		Policy:     Policy{Warmup: -1, MinRuns: 4, MaxTime: 14 * time.Second, Timeout: time.Minute},
		Interleave: true, ProfileDir: t.TempDir(),
		Progress: func(e Event) {
			switch e.Kind {
			case EventRound:
				events = append(events, fmt.Sprintf("round %d (%d)", e.Run, e.Runs))
			case EventStart:
				events = append(events, "start "+e.Name+" "+e.Phase)
			case EventDone:
				events = append(events, "done "+e.Name)
			}
		},
		Record: func(s Suite) error {
			var names []string
			for _, res := range s.Results {
				names = append(names, res.Name)
			}
			saved = append(saved, strings.Join(names, ","))
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for _, c := range r.calls {
		name := filepath.Base(c.Path)
		if slices.ContainsFunc(c.Env, func(e string) bool { return strings.HasPrefix(e, "ONEBRC_CPUPROFILE=") }) {
			name += "/profile"
		}
		calls = append(calls, name)
	}
	want := []string{
		"run", "a", "b-big", "c-bad", "d-slow", "d-slow/profile", // warm-ups; d-slow is done
		"run", "a", "b-big", "c-bad", // round 1
		"c-bad", "b-big", "a", "run", // round 2: c-bad fails
		"run", "a", "b-big", // round 3: b-big's budget is spent
		"b-big/profile",
		"a", "run", // round 4: a and the floor have their 4 runs
		"a/profile",
	}
	if !slices.Equal(calls, want) {
		t.Errorf("runs\n got %q\nwant %q", calls, want)
	}
	wantEvents := []string{
		"start floor warm-up", "start a warm-up", "start b-big warm-up", "start c-bad warm-up", "start d-slow warm-up",
		"start d-slow timed", "done d-slow",
		"round 1 (4)", "round 2 (4)", "start c-bad timed", "done c-bad",
		"round 3 (3)", "start b-big timed", "done b-big",
		"round 4 (2)", "start floor timed", "done floor", "start a timed", "done a",
	}
	if !slices.Equal(events, wantEvents) {
		t.Errorf("events\n got %q\nwant %q", events, wantEvents)
	}
	wantSaved := []string{"d-slow", "c-bad,d-slow", "b-big,c-bad,d-slow", "floor,b-big,c-bad,d-slow", "floor,a,b-big,c-bad,d-slow"}
	if !slices.Equal(saved, wantSaved) {
		t.Errorf("recorded\n got %q\nwant %q", saved, wantSaved)
	}
	runs := map[string]int{}
	for _, res := range suite.Results {
		runs[res.Name] = len(res.Runs)
	}
	if wantRuns := map[string]int{FloorName: 4, "a": 4, "b-big": 3, "c-bad": 0, "d-slow": 1}; !maps.Equal(runs, wantRuns) {
		t.Errorf("timed runs %v, want %v", runs, wantRuns)
	}
	if f := suite.Results[3].Failure; !strings.HasPrefix(f, "timed run 2: ") {
		t.Errorf("c-bad's failure %q, want its second timed run's", f)
	}
	if !suite.Results[4].FirstRunTimed {
		t.Errorf("d-slow: %+v, want its first run timed", suite.Results[4])
	}
}

// TestBenchInterleavedInterrupted: Ctrl-C in a round keeps the solutions
// already finished (d-slow, whose first run was its only one) and drops
// those still in the rounds.
func TestBenchInterleavedInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"a":      interruptedAt(3, cancel),
		"d-slow": correct(time.Minute),
	}}
	suite, err := Bench(ctx, Options{
		Solutions: sols("a", "d-slow"), Data: fakeData(), Runner: r, Build: fakeBuild(), Policy: DefaultPolicy, Interleave: true,
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(suite.Results) != 1 || suite.Results[0].Name != "d-slow" {
		t.Errorf("kept %+v, want d-slow's result only", suite.Results)
	}
}

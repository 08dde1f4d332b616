package harness

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func runs(walls ...float64) []Run {
	var rs []Run
	for _, w := range walls {
		d := time.Duration(w * float64(time.Second))
		rs = append(rs, Run{Wall: d, User: 2 * d, Sys: d / 4, PeakRSS: int64(w * 1e6)})
	}
	return rs
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name            string
		res             Result
		median, lo, hi  float64
		hasCI           bool
		cpu             float64
		outliers        int
		warningContains []string
	}{
		{"one run", Result{Runs: runs(5)}, 5, 5, 5, false, 2.25, 0, []string{"Only one timed run"}},
		{"single slow first run", Result{Runs: runs(400), FirstRunTimed: true}, 400, 400, 400, false, 2.25, 0, []string{"slower than half of --max-time"}},
		{"five runs: range, no CI", Result{Runs: runs(1.0, 1.2, 1.1, 1.3, 1.4)}, 1.2, 1.0, 1.4, false, 2.25, 0, []string{"at least 6"}},
		{"ten quiet runs", Result{Runs: runs(1.00, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07, 1.08, 1.09)}, 1.045, 1.01, 1.08, true, 2.25, 0, nil},
		{"an outlier", Result{Runs: runs(1.00, 1.01, 1.00, 1.01, 1.00, 1.01, 1.00, 3.00)}, 1.005, 1.00, 1.01, true, 2.25, 1, []string{"A statistical outlier"}},
		{"slow first timed run", Result{Runs: runs(3.00, 1.01, 1.00, 1.01, 1.00, 1.01, 1.00, 1.01)}, 1.01, 1.00, 1.01, true, 2.25, 1, []string{"--warmup"}},
		{"too short to time", Result{Runs: runs(0.001, 0.001, 0.001, 0.001, 0.001, 0.001)}, 0.001, 0.001, 0.001, true, 2.25, 0, []string{"less than 5 ms"}},
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarize(tt.res)
			if !near(s.Median, tt.median) || !near(s.Lo, tt.lo) || !near(s.Hi, tt.hi) || s.HasCI != tt.hasCI {
				t.Errorf("median %v [%v, %v] CI %v; want %v [%v, %v] CI %v", s.Median, s.Lo, s.Hi, s.HasCI, tt.median, tt.lo, tt.hi, tt.hasCI)
			}
			if !near(s.CPU, tt.cpu) || s.Outliers != tt.outliers {
				t.Errorf("CPU %v, outliers %d; want %v, %d", s.CPU, s.Outliers, tt.cpu, tt.outliers)
			}
			if len(s.Warnings) != len(tt.warningContains) {
				t.Fatalf("warnings %q, want %d", s.Warnings, len(tt.warningContains))
			}
			for i, w := range tt.warningContains {
				if !strings.Contains(s.Warnings[i], w) {
					t.Errorf("warning %q does not mention %q", s.Warnings[i], w)
				}
			}
		})
	}
}

// Summary.PeakAnon is the largest of the runs that have one; runs without
// (unknown) do not pull it down, and with none it stays 0.
func TestSummarizePeakAnon(t *testing.T) {
	tests := []struct {
		anon []int64
		want int64
	}{
		{[]int64{0, 0}, 0},
		{[]int64{5 << 20, 0, 7 << 20}, 7 << 20},
		{[]int64{0, 3 << 20}, 3 << 20},
	}
	for _, tt := range tests {
		rs := runs(make([]float64, len(tt.anon))...)
		for i := range rs {
			rs[i].Wall = time.Second
			rs[i].PeakAnon = tt.anon[i]
		}
		if got := Summarize(Result{Runs: rs}).PeakAnon; got != tt.want {
			t.Errorf("Summarize(runs with PeakAnon %v).PeakAnon = %d, want %d", tt.anon, got, tt.want)
		}
	}
}

func TestRankAndSpeedups(t *testing.T) {
	s := Suite{
		Config: []Config{{KeyBytes, "10000000000"}},
		Results: []Result{
			{Name: FloorName, Runs: runs(1, 1, 1)},
			{Name: "01-naive", Runs: runs(100, 100, 100)},
			{Name: "02-better", Runs: runs(50, 50, 50)},
			{Name: "03-broken", Failure: "timed run 2: exit status 1"},
			{Name: "04-after-broken", Runs: runs(10, 10, 10)},
			{Name: "05-fastest", Runs: runs(4, 4, 4)},
			{Name: "duckdb", Runs: runs(5, 5, 5)},
			{Name: "00-also-broken", Failure: "build failed"},
		},
	}
	type want struct {
		name            string
		rank            int
		vsFirst, vsPrev float64
		gbps            float64
		passed          bool
		kind            Kind
	}
	wants := []want{
		{FloorName, 0, 0, 0, 10, true, KindFloor},
		{"05-fastest", 1, 0, 0, 2.5, true, KindStep},
		{"duckdb", 2, 0, 0, 2, true, KindReference},
		{"04-after-broken", 3, 0, 0, 1, true, KindStep},
		{"02-better", 4, 0, 0, 0.2, true, KindStep},
		{"01-naive", 5, 0, 0, 0.1, true, KindStep},
		{"00-also-broken", 0, 0, 0, 0, false, KindStep},
		{"03-broken", 0, 0, 0, 0, false, KindStep},
	}
	// The first step by name is 00-also-broken, which failed: no "vs
	// first" column values at all. Speedups against the previous step
	// exist only where both passed.
	wants[1].vsPrev = 2.5 // 05 vs 04
	wants[4].vsPrev = 2   // 02 vs 01
	rows := Rank(s)
	if len(rows) != len(wants) {
		t.Fatalf("%d rows, want %d", len(rows), len(wants))
	}
	for i, w := range wants {
		r := rows[i]
		if r.Name != w.name || r.Rank != w.rank || r.Passed() != w.passed || r.Kind != w.kind ||
			math.Abs(r.VsFirst.Value-w.vsFirst) > 1e-9 || math.Abs(r.VsPrevious.Value-w.vsPrev) > 1e-9 || math.Abs(r.GBps-w.gbps) > 1e-9 {
			t.Errorf("row %d = %s rank %d vsFirst %v vsPrev %v GB/s %v passed %v kind %v; want %+v",
				i, r.Name, r.Rank, r.VsFirst.Value, r.VsPrevious.Value, r.GBps, r.Passed(), r.Kind, w)
		}
	}

	// Without the broken 00, 01 is the first step: every passing step and
	// the reference get a speedup against it.
	s.Results = s.Results[:len(s.Results)-1]
	vs := map[string]float64{}
	for _, r := range Rank(s) {
		vs[r.Name] = r.VsFirst.Value
	}
	for name, want := range map[string]float64{"01-naive": 0, "02-better": 2, "04-after-broken": 10, "05-fastest": 25, "duckdb": 20, FloorName: 0} {
		if math.Abs(vs[name]-want) > 1e-9 {
			t.Errorf("%s vs 01-naive = %v, want %v", name, vs[name], want)
		}
	}
}

func TestSpeedupError(t *testing.T) {
	fast := Summary{Runs: 10, Median: 1, MAD: 0.01}
	slow := Summary{Runs: 10, Median: 4, MAD: 0}
	got := Speedup(fast, slow)
	if math.Abs(got.Value-4) > 1e-12 || math.Abs(got.Err-4*1.4826*0.01) > 1e-12 {
		t.Errorf("Speedup = %+v, want 4 ± %v", got, 4*1.4826*0.01)
	}
	if got := Speedup(Summary{}, slow); got.Value != 0 {
		t.Errorf("Speedup without runs = %+v, want 0", got)
	}
}

func TestFormatSeconds(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{361.7, "361.7 s"}, {12.345, "12.35 s"}, {1.2345, "1.234 s"}, {0.0123, "12.3 ms"}, {0.0000123, "12.3 µs"}, {math.NaN(), "—"}} {
		if got := FormatSeconds(tt.in); got != tt.want {
			t.Errorf("FormatSeconds(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   float64
		want string
	}{{512, "512 B"}, {1536, "1.5 KiB"}, {13.8e9, "12.9 GiB"}} {
		if got := FormatBytes(tt.in); got != tt.want {
			t.Errorf("FormatBytes(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := formatCount(1000000000); got != "1,000,000,000" {
		t.Errorf("formatCount(1e9) = %q", got)
	}
}

// TestPairedSpeedup checks the comparison of two results taken in rounds:
// the median of the per-round ratios, which ignores a drift that moves
// both times of a round alike, and when it declines.
func TestPairedSpeedup(t *testing.T) {
	for _, c := range []struct {
		desc       string
		fast, slow Result
		want       Ratio
		ok         bool
	}{
		{"drift: 1.25x in every round", Result{Runs: runs(2, 4, 3, 6)}, Result{Runs: runs(2.5, 5, 3.75, 7.5)}, Ratio{Value: 1.25}, true},
		{"the slower by medians faster by rounds", Result{Runs: runs(1, 2, 3)}, Result{Runs: runs(0.9, 1.8, 3.3)}, Ratio{Value: 0.9, Err: 1.4826 * 0}, true},
		{"odd rounds: spread", Result{Runs: runs(1, 1, 1)}, Result{Runs: runs(1.1, 1.2, 1.4)}, Ratio{Value: 1.2, Err: 1.4826 * 0.1}, true},
		{"rounds in common only", Result{Runs: runs(1, 1, 1, 1, 1)}, Result{Runs: runs(2, 2, 2)}, Ratio{Value: 2}, true},
		{"too few rounds", Result{Runs: runs(1, 1)}, Result{Runs: runs(2, 2)}, Ratio{}, false},
		{"first run the only sample", Result{Runs: runs(1, 1, 1)}, Result{Runs: runs(50), FirstRunTimed: true}, Ratio{}, false},
	} {
		got, ok := PairedSpeedup(c.fast, c.slow)
		if ok != c.ok || math.Abs(got.Value-c.want.Value) > 1e-9 || math.Abs(got.Err-c.want.Err) > 1e-9 {
			t.Errorf("%s: PairedSpeedup = %+v, %v; want %+v, %v", c.desc, got, ok, c.want, c.ok)
		}
	}
}

// TestRankInRounds: in a suite taken in rounds, "vs previous" pairs the
// rounds; the same results recorded in turn compare medians.
func TestRankInRounds(t *testing.T) {
	// 02 is 10% faster than 01 in rounds 1 and 2; by medians it is 3.3x
	// faster.
	one := Result{Name: "01-a", Runs: runs(1, 3, 1, 3, 3)}
	two := Result{Name: "02-b", Runs: runs(0.9, 2.7, 2.7, 0.9, 0.9)}
	for _, c := range []struct {
		schedule string
		want     float64
	}{
		{ScheduleRounds, 1 / 0.9},
		{ScheduleInTurn, 3 / 0.9},
		{"", 3 / 0.9},
	} {
		suite := Suite{Config: []Config{{KeySchedule, c.schedule}}, Results: []Result{one, two}}
		found := false
		for _, r := range Rank(suite) {
			if r.Name == "02-b" {
				found = true
				if math.Abs(r.VsPrevious.Value-c.want) > 1e-9 {
					t.Errorf("schedule %q: 02-b vs previous %.4f, want %.4f", c.schedule, r.VsPrevious.Value, c.want)
				}
			}
		}
		if !found {
			t.Errorf("schedule %q: no row for 02-b", c.schedule)
		}
	}
}

func TestWriteSummaryInRounds(t *testing.T) {
	// By medians 01-a (1 s) is 2.9 times faster than 02-b (2.9 s), but
	// round by round 02-b took 0.95-0.967 of 01-a's time in four rounds
	// of five: the median ratio is 0.9667, printed inverted (1.034), its
	// spread 1.4826 × MAD (0.0167) over 0.9667² (0.026). In turn the
	// medians' ratio is 2.9, both medians with a MAD of 0.
	one := Result{Name: "01-a", Runs: runs(1, 1, 3, 3, 1)}
	two := Result{Name: "02-b", Runs: runs(0.95, 0.95, 2.9, 2.9, 2.9)}
	for _, c := range []struct {
		schedule string
		want     string
	}{
		{ScheduleRounds, "Summary\n  01-a ran\n      1.03 ± 0.03 times slower than 02-b round by round, though faster by median\n"},
		{ScheduleInTurn, "Summary\n  01-a ran\n      2.90 ± 0.00 times faster than 02-b\n"},
	} {
		var out bytes.Buffer
		WriteSummary(&out, Suite{Config: []Config{{KeySchedule, c.schedule}}, Results: []Result{one, two}})
		if out.String() != c.want {
			t.Errorf("schedule %q: summary\n%s\nwant\n%s", c.schedule, out.String(), c.want)
		}
	}
}

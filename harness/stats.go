package harness

import (
	"fmt"
	"math"
	"slices"
	"time"

	"golang.org/x/perf/benchmath"
)

// Confidence is the level of the confidence intervals the harness reports.
const Confidence = 0.95

// OutlierThreshold is the modified Z-score, |x - median| / MAD, above
// which a run counts as an outlier (hyperfine's 1.4826 × 10).
const OutlierThreshold = 14.826

// Summary condenses the timed runs of one Result. Times are in seconds.
type Summary struct {
	Runs           int     // number of timed runs
	Median         float64 // median wall time
	Lo, Hi         float64 // 95% confidence interval of the median, or Min and Max when !HasCI
	HasCI          bool    // enough runs for benchmath to give a confidence interval
	Min, Max       float64 // fastest and slowest run
	MAD            float64 // median absolute deviation of the wall times
	User, Sys      float64 // median user and system CPU time
	CPU            float64 // median of (user+sys)/wall: 2.0 means two cores busy throughout
	PeakRSS        int64   // largest peak RSS of any run, in bytes
	PeakAnon       int64   // largest peak anonymous memory of any run, in bytes; 0 when no run has one (Run.PeakAnon)
	Outliers       int     // runs whose modified Z-score exceeds OutlierThreshold
	FirstIsOutlier bool    // the first timed run is the slowest and an outlier
	// Warnings are sentences for a person, naming the fix where there is
	// one: too few runs for a confidence interval, outliers, a slow first
	// run, runs too short to time.
	Warnings []string
}

// Summarize computes r's Summary. It returns the zero Summary when r has
// no timed runs.
func Summarize(r Result) Summary {
	var s Summary
	s.Runs = len(r.Runs)
	if s.Runs == 0 {
		return s
	}
	walls := make([]float64, 0, s.Runs)
	var users, syss, cpus []float64
	for _, run := range r.Runs {
		walls = append(walls, run.Wall.Seconds())
		users = append(users, run.User.Seconds())
		syss = append(syss, run.Sys.Seconds())
		if run.Wall > 0 {
			cpus = append(cpus, (run.User+run.Sys).Seconds()/run.Wall.Seconds())
		}
		s.PeakRSS = max(s.PeakRSS, run.PeakRSS)
		s.PeakAnon = max(s.PeakAnon, run.PeakAnon)
	}
	sorted := slices.Sorted(slices.Values(walls))
	sample := benchmath.NewSample(sorted, &benchmath.DefaultThresholds)
	sum := benchmath.AssumeNothing.Summary(sample, Confidence)
	s.Median = sum.Center
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	s.Lo, s.Hi = s.Min, s.Max
	s.HasCI = len(sum.Warnings) == 0 && !math.IsInf(sum.Lo, 0) && !math.IsInf(sum.Hi, 0)
	if s.HasCI {
		s.Lo, s.Hi = sum.Lo, sum.Hi
	}
	s.User, s.Sys, s.CPU = median(users), median(syss), median(cpus)

	s.MAD = mad(walls, s.Median)
	if s.MAD > 0 {
		for i, w := range walls {
			if math.Abs(w-s.Median)/s.MAD > OutlierThreshold {
				s.Outliers++
				if i == 0 && w == s.Max {
					s.FirstIsOutlier = true
				}
			}
		}
	}

	switch {
	case s.Runs == 1 && r.FirstRunTimed:
		s.Warnings = append(s.Warnings, "The first run was slower than half of --max-time, so it is the only timed sample and there was no warm-up run; the time includes any cold-cache cost. Use --runs and --warmup to force more runs.")
	case s.Runs < 6:
		runs := fmt.Sprintf("%d timed runs", s.Runs)
		if s.Runs == 1 {
			runs = "one timed run"
		}
		s.Warnings = append(s.Warnings, fmt.Sprintf("Only %s: a 95%% confidence interval needs at least 6, so the range (min … max) stands in for it. Raise --max-time or set --runs for more.", runs))
	}
	if s.FirstIsOutlier {
		s.Warnings = append(s.Warnings, fmt.Sprintf("The first timed run was much slower than the rest (%s). Caches may not have been filled until after it: use --warmup to add warm-up runs.", FormatSeconds(walls[0])))
	} else if s.Outliers > 0 {
		what := fmt.Sprintf("%d statistical outliers were", s.Outliers)
		if s.Outliers == 1 {
			what = "A statistical outlier was"
		}
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s detected (modified Z-score above %.1f). Re-run the benchmark on a quiet system: other programs on the machine disturb the timings.", what, OutlierThreshold))
	}
	if s.Median < 0.005 {
		s.Warnings = append(s.Warnings, "Runs took less than 5 ms: the timings are mostly process start-up and timer noise. Use a bigger --file.")
	}
	return s
}

// median returns the median of xs (which it does not modify), or 0 for
// none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Ratio is how many times faster one result is than another, with an
// uncertainty from both spreads.
type Ratio struct {
	Value float64 // slow median / fast median
	Err   float64 // propagated from each sample's robust σ (1.4826 × MAD)
}

// Speedup returns how many times faster fast is than slow, by medians. A
// Ratio with Value 0 means one of them has no runs.
func Speedup(fast, slow Summary) Ratio {
	if fast.Runs == 0 || slow.Runs == 0 || fast.Median <= 0 {
		return Ratio{}
	}
	v := slow.Median / fast.Median
	sf := 1.4826 * fast.MAD / fast.Median
	ss := 1.4826 * slow.MAD / slow.Median
	return Ratio{Value: v, Err: v * math.Sqrt(sf*sf+ss*ss)}
}

// MinPairedRounds is the fewest rounds two results must share for
// PairedSpeedup to compare them.
const MinPairedRounds = 3

// PairedSpeedup returns how many times faster fast is than slow in a suite
// whose timed runs were taken in rounds (ScheduleRounds): the median, over
// the rounds both ran in, of slow's wall time divided by fast's in the same
// round, with the robust σ (1.4826 × MAD) of those ratios as Err. Every
// solution in the rounds ran in each of them from the first until it was
// done, so a result's i-th timed run is its run of round i; a drift of the
// machine's speed from one round to the next moves both times of a round
// alike and leaves their ratio. ok is false when either result took no
// part in the rounds (a first run that was its only sample) or when they
// share fewer than MinPairedRounds rounds.
func PairedSpeedup(fast, slow Result) (r Ratio, ok bool) {
	n := min(len(fast.Runs), len(slow.Runs))
	if fast.FirstRunTimed || slow.FirstRunTimed || n < MinPairedRounds {
		return Ratio{}, false
	}
	ratios, ok := roundRatios(fast.Runs, slow.Runs, n, runWall)
	if !ok {
		return Ratio{}, false
	}
	v := median(ratios)
	return Ratio{Value: v, Err: 1.4826 * mad(ratios, v)}, true
}

// roundRatios returns, for each of the first n runs of base and other
// (their runs of rounds 1 to n in a suite taken in rounds), other's time
// divided by base's, the times as of reads them from a run. ok is false
// when a time of base is not positive.
func roundRatios(base, other []Run, n int, of func(Run) time.Duration) (ratios []float64, ok bool) {
	ratios = make([]float64, 0, n)
	for i := range n {
		b := of(base[i])
		if b <= 0 {
			return nil, false
		}
		ratios = append(ratios, of(other[i]).Seconds()/b.Seconds())
	}
	return ratios, true
}

// runWall and runUser read a run's wall and user CPU time, for
// roundRatios.
func runWall(r Run) time.Duration { return r.Wall }
func runUser(r Run) time.Duration { return r.User }

// mad returns the median absolute deviation of xs from center.
func mad(xs []float64, center float64) float64 {
	devs := make([]float64, len(xs))
	for i, x := range xs {
		devs[i] = math.Abs(x - center)
	}
	return median(devs)
}

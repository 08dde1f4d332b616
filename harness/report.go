package harness

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Reporter prints Bench's progress and results for a person, the way
// hyperfine does: "Benchmark k/n: NAME", a live status line while it runs,
// then the median, the range, the number of runs and warnings as
// sentences. Give its Event method to Options.Progress.
//
// On a terminal the status line (a spinner, the current estimate, a bar
// and the ETA) is redrawn in place ten times a second and erased when the
// solution finishes; this is the only place the harness reads the clock
// for display. Elsewhere (a file, a pipe, CI) the Reporter writes plain
// lines only: one per run that takes at least PlainRunLine, so a long run
// still shows signs of life.
//
// Interleaved (Options.Interleave), each solution's block starts with
// "Warm-up k/n: NAME" (its build and warm-up), then "Round r: ..." lists
// each round's timed runs with their wall times, plain or not, and a
// solution whose runs are over gets its "Benchmark k/n: NAME" block with
// the results after the round.
type Reporter struct {
	w        io.Writer
	terminal bool

	mu     sync.Mutex
	status *Event    // the run in progress, for the status line
	since  time.Time // when that run started
	frame  int
	drawn  bool // a status line is on screen
	stop   chan struct{}
	done   chan struct{}
}

// PlainRunLine is the shortest run the plain Reporter reports on its own
// line.
const PlainRunLine = 5 * time.Second

// NewReporter returns a Reporter writing to w. terminal says whether w is
// a terminal (see the CLI's detection); a terminal Reporter must be
// closed to stop its redraw loop.
func NewReporter(w io.Writer, terminal bool) *Reporter {
	r := &Reporter{w: w, terminal: terminal}
	if terminal {
		r.stop, r.done = make(chan struct{}), make(chan struct{})
		go r.loop()
	}
	return r
}

// Close stops the redraw loop and erases the status line.
func (r *Reporter) Close() {
	if r.stop == nil {
		return
	}
	close(r.stop)
	<-r.done
	r.stop = nil
	r.mu.Lock()
	r.clear()
	r.mu.Unlock()
}

func (r *Reporter) loop() {
	defer close(r.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mu.Lock()
			r.draw()
			r.mu.Unlock()
		}
	}
}

// clear erases the status line. The caller holds r.mu.
func (r *Reporter) clear() {
	if r.drawn {
		fmt.Fprint(r.w, "\r\x1b[K")
		r.drawn = false
	}
}

// spinner holds the frames of the status line's spinner.
const spinner = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

// draw redraws the status line. The caller holds r.mu.
func (r *Reporter) draw() {
	e := r.status
	if e == nil {
		return
	}
	elapsed := time.Since(r.since)
	r.frame++
	var label string
	switch {
	case e.Phase == PhaseWarmup:
		label = fmt.Sprintf("Performing warm-up run %d/%d", e.Run, e.Runs)
	case e.Phase == PhaseProfile:
		label = "Performing the profile run"
	case e.Estimate > 0:
		label = "Current estimate: " + FormatSeconds(e.Estimate.Seconds())
	default:
		label = "Initial time measurement"
	}
	if e.Round > 0 {
		label = e.Name + ": " + label
	}
	done, total := e.Run-1, max(e.Runs, e.Run)
	const width = 30
	filled := 0
	if total > 0 {
		filled = width * done / total
	}
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	eta := ""
	if e.Estimate > 0 && e.Phase == PhaseTimed {
		left := time.Duration(total-done)*e.Estimate - elapsed
		eta = " ETA " + clock(max(left, 0))
	}
	fmt.Fprintf(r.w, "\r\x1b[K%s %s %s %d/%d%s (this run %s)", string([]rune(spinner)[r.frame%utf8.RuneCountInString(spinner)]), label, bar, done, total, eta, clock(elapsed))
	r.drawn = true
}

// clock formats d as hh:mm:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// displayName is how a row is named for a person.
func displayName(name string) string {
	switch KindOf(name) {
	case KindFloor:
		return "floor (read every byte)"
	case KindReference:
		return name + " (reference)"
	}
	return name
}

// Event reports one step of Bench's progress; it is safe for concurrent
// use.
func (r *Reporter) Event(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Kind {
	case EventStart:
		r.clear()
		if e.Phase == PhaseWarmup {
			fmt.Fprintf(r.w, "Warm-up %d/%d: %s\n", e.Index, e.Total, displayName(e.Name))
			return
		}
		fmt.Fprintf(r.w, "Benchmark %d/%d: %s\n", e.Index, e.Total, displayName(e.Name))
	case EventRound:
		r.status = nil
		r.clear()
		fmt.Fprintf(r.w, "Round %d: one timed run each (%d to run)\n", e.Run, e.Runs)
	case EventBuild:
		if r.terminal {
			fmt.Fprintf(r.w, "\r\x1b[K  Building %s …", e.Name)
			r.drawn = true
			return
		}
		fmt.Fprintf(r.w, "  building %s\n", e.Name)
	case EventRunStart:
		ev := e
		r.status, r.since = &ev, time.Now()
		if r.terminal && !r.drawn {
			r.draw() // later frames come from the redraw loop, at most ten a second
		}
	case EventRunEnd:
		if e.Round > 0 {
			r.status = nil
			r.clear()
			if e.Failure != "" {
				fmt.Fprintf(r.w, "  %s: failed\n", e.Name)
				return
			}
			fmt.Fprintf(r.w, "  %s: %s\n", e.Name, FormatSeconds(e.Wall.Seconds()))
			return
		}
		if r.terminal {
			return // the status line stays until the next run or the result
		}
		if e.Failure == "" && e.Wall >= PlainRunLine {
			fmt.Fprintf(r.w, "  %s run %d: %s\n", e.Phase, e.Run, FormatSeconds(e.Wall.Seconds()))
		}
	case EventDone:
		r.status = nil
		r.clear()
		writeResult(r.w, *e.Result, *e.Summary)
	}
}

// writeResult prints a finished solution's block: its time, range and
// runs, or its failure, then its warnings.
func writeResult(w io.Writer, res Result, s Summary) {
	if res.Failure != "" {
		lines := strings.Split(strings.TrimRight(res.Failure, "\n"), "\n")
		fmt.Fprintf(w, "  ✗ Failed: %s\n", lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "    %s\n", l)
		}
		fmt.Fprintln(w)
		return
	}
	cpu := fmt.Sprintf("[User: %s, System: %s, CPU use: %.2f, Peak RSS: %s, Peak anon: %s]",
		FormatSeconds(s.User), FormatSeconds(s.Sys), s.CPU, FormatBytes(float64(s.PeakRSS)), formatPeakAnon(s.PeakAnon))
	if s.Runs == 1 {
		fmt.Fprintf(w, "  Time (abs ≡):        %9s         %s\n", FormatSeconds(s.Median), cpu)
	} else {
		fmt.Fprintf(w, "  Time (median):       %9s         %s\n", FormatSeconds(s.Median), cpu)
		if s.HasCI {
			fmt.Fprintf(w, "  95%% CI:              %9s … %9s\n", FormatSeconds(s.Lo), FormatSeconds(s.Hi))
		}
		fmt.Fprintf(w, "  Range (min … max):   %9s … %9s    %d runs\n", FormatSeconds(s.Min), FormatSeconds(s.Max), s.Runs)
	}
	if res.Name == FloorName {
		fmt.Fprintln(w, "  (not a solution: the harness reading every byte of the file; not verified)")
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "\n  Warning: %s\n", warn)
	}
	fmt.Fprintln(w)
}

// WriteSummary prints the end of a benchmark for a person: the fastest
// solution by median, how many times faster it ran than each other one
// (median ratio ± the spread of both; in a suite taken in rounds, the
// median of the rounds' ratios ± their spread), and the failures with their
// reasons. In rounds the fastest by median can be the slower one round by
// round: that line says "times slower than ... round by round, though
// faster by median", with the inverse ratio, instead of a ratio below 1.
func WriteSummary(w io.Writer, s Suite) {
	rows := Rank(s)
	var passed, failed []Row
	for _, r := range rows {
		switch {
		case r.Kind == KindFloor:
		case r.Passed():
			passed = append(passed, r)
		default:
			failed = append(failed, r)
		}
	}
	if len(passed)+len(failed) == 0 {
		return
	}
	fmt.Fprintln(w, "Summary")
	if len(passed) > 0 {
		best := passed[0]
		fmt.Fprintf(w, "  %s ran\n", displayName(best.Name))
		for _, r := range passed[1:] {
			q := s.speedup(best, r)
			if q.Value > 0 && q.Value < 1 {
				// Faster by median, slower round by round: say it that
				// way round rather than "0.99 times faster". The spread
				// of 1/x is the spread of x over x² (to first order).
				fmt.Fprintf(w, "  %8.2f ± %.2f times slower than %s round by round, though faster by median\n",
					1/q.Value, q.Err/(q.Value*q.Value), displayName(r.Name))
				continue
			}
			fmt.Fprintf(w, "  %8.2f ± %.2f times faster than %s\n", q.Value, q.Err, displayName(r.Name))
		}
	}
	for _, r := range failed {
		fmt.Fprintf(w, "  ✗ %s failed: %s\n", displayName(r.Name), clipText(oneLine(r.Failure), 300))
	}
}

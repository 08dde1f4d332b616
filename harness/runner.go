package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Command is one execution of a program, as a Runner sees it.
type Command struct {
	Path    string        // executable
	Args    []string      // arguments after the program name
	Env     []string      // extra "KEY=value" entries added to the harness's environment, replacing its own for the same KEY
	Dir     string        // working directory; "" means the harness's
	Timeout time.Duration // kill the whole process group after this long; 0 means never
}

// Measurement is what a Runner observed about one execution of a Command:
// the process tree's times and memory, how it ended, and its output.
type Measurement struct {
	// Wall is the monotonic time from just before the start of the
	// process to the moment its last descendant was reaped and its
	// standard output reached end of file.
	Wall time.Duration
	// User and Sys are the CPU times of every process of the tree,
	// summed.
	User, Sys time.Duration
	// PeakRSS is the largest peak resident set size, in bytes, of any
	// single process of the tree (the maximum of their ru_maxrss, not the
	// peak of their sum). Pages of a mapped file count once touched.
	// Linux starts a child's ru_maxrss at its parent's peak RSS (the
	// parent's memory map is the child's until exec), so a value near
	// the harness's own peak is a floor, not the program's use.
	PeakRSS int64
	// PeakAnon is the largest sum of the anonymous resident memory
	// (RssAnon: heap, stacks, private mappings written to; not the pages
	// of a mapped file, nor shared memory) of the main process and its
	// descendants, in bytes, as ProcessRunner samples it every
	// AnonSampleInterval while the main process runs. Being sampled, it
	// is a lower bound: a peak that lasts less than the interval can be
	// missed. 0 means that no sample was taken: on a system where it is
	// not measured (only Linux is), or for a program that ended before the
	// first sample.
	PeakAnon int64
	// Processes is the number of processes reaped: 1 for a program that
	// starts no other.
	Processes int
	// ExitCode is the main process's exit status, or -1 when a signal
	// ended it.
	ExitCode int
	// Signal names the signal that ended the main process, if any.
	Signal string
	// TimedOut is set when Command.Timeout expired and the process group
	// was killed.
	TimedOut bool
	// Stdout is everything the tree wrote to standard output.
	Stdout []byte
	// Stderr is the first StderrLimit bytes the tree wrote to standard
	// error (where a panic or an error message starts), for failure
	// reasons.
	Stderr []byte
}

// AnonSampleInterval is how often ProcessRunner samples the anonymous
// resident memory of a running program's process tree (Measurement.PeakAnon).
// A sample took 37 µs of the harness's CPU time for a shell and its child,
// 60 µs for a Go test binary and its threads, on this project's 2-core VM
// (2026-12-06), so at this interval the sampler uses under 1% of one core.
const AnonSampleInterval = 10 * time.Millisecond

// StderrLimit is how much of a program's standard error a Measurement keeps.
const StderrLimit = 4096

// Runner executes commands and measures them. ProcessRunner is the real
// one; tests substitute fakes that return fixed measurements, so nothing
// in the harness above this interface reads a clock.
type Runner interface {
	// Run executes c and waits for its whole process tree. The error is
	// for failures to start or measure the program, and for a cancelled
	// ctx (which kills the process group); a program that runs and
	// fails is described by the Measurement.
	Run(ctx context.Context, c Command) (Measurement, error)
}

// ErrUnsupported is returned by ProcessRunner.Run on systems where it
// cannot measure a process tree.
var ErrUnsupported = errors.New("harness: process-tree measurement is only implemented on linux")

// Failure explains why a measured run does not count: a timeout, a
// signal or a non-zero exit status, followed by the line of the
// program's standard error that best says why (see stderrHint). It returns "" for a clean exit.
func (m Measurement) Failure() string {
	var what string
	switch {
	case m.TimedOut:
		what = fmt.Sprintf("timed out after %s (process group killed)", roundDuration(m.Wall))
	case m.Signal != "":
		what = "killed by signal " + m.Signal
	case m.ExitCode != 0:
		what = fmt.Sprintf("exit status %d", m.ExitCode)
	default:
		return ""
	}
	if hint := stderrHint(m.Stderr); hint != "" {
		what += ": " + hint
	}
	return what
}

// stderrHint picks one line of a failed program's standard error: the
// "panic: " or "fatal error: " line of a Go crash if there is one,
// otherwise the first non-empty line. It is clipped to 200 bytes.
func stderrHint(b []byte) string {
	first := ""
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return clipText(l, 200)
		}
		if first == "" {
			first = l
		}
	}
	return clipText(first, 200)
}

// clipText shortens s to at most n bytes, marking the cut with "…".
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// mergeEnv returns base with the "KEY=value" entries of extra added, each
// replacing base's entries for the same KEY (a Go program reads the first
// entry of a key, so appending alone would not override it).
func mergeEnv(base, extra []string) []string {
	if len(extra) == 0 {
		return base
	}
	keys := make(map[string]bool, len(extra))
	for _, e := range extra {
		k, _, _ := strings.Cut(e, "=")
		keys[k] = true
	}
	out := make([]string, 0, len(base)+len(extra))
	for _, e := range base {
		if k, _, _ := strings.Cut(e, "="); !keys[k] {
			out = append(out, e)
		}
	}
	return append(out, extra...)
}

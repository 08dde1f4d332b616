// Package solutions_test is the conformance test of every step under
// solutions/: each one is built once and run, as its own process, on every
// golden case of verify/testdata, on edge cases written here, and on files
// from the generator, and its stdout must match the expected answer byte for
// byte. A new step directory is picked up by harness.Discover without editing
// this file.
//
// The expected answers come from verify.AggregateFile (the reference) or
// from the generator, never from a solution.
//
// Solutions with their own go.mod (opt-in heavy ones, such as a DuckDB
// reference) are skipped unless ONEBRC_CONFORMANCE_OWN_MODULES=1.
// ONEBRC_CONFORMANCE_RACE=1 builds every step with -race; that is many
// times slower, so give go test a -timeout of 30m or more.
package solutions_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onebrc/onebrc/harness"
	"github.com/onebrc/onebrc/harness/profile"
	"github.com/onebrc/onebrc/verify"
)

// ownModulesEnv opts in to building and testing solutions with their own
// go.mod.
const ownModulesEnv = "ONEBRC_CONFORMANCE_OWN_MODULES"

// raceEnv opts in to building every step with the race detector.
const raceEnv = "ONEBRC_CONFORMANCE_RACE"

// runTimeout bounds every run of a solution, so a hang fails the test
// instead of blocking CI.
const runTimeout = 2 * time.Minute

// maxFailures is the number of failed runs on valid inputs after which a
// step's remaining cases are skipped, to keep a broken step's report short.
const maxFailures = 8

// procsList is the GOMAXPROCS values every valid case runs with: one
// worker, as many as CI has cores, and more than it has.
var procsList = []int{1, 2, 4}

// strictSteps promise what 01-naive promises: a malformed line ends the run
// with exit status 1 and a message "FILE:LINE: problem" naming the first bad
// line. Later steps may assume valid input; for them only the truncated-last-
// line cases apply (no crash, no hang).
var strictSteps = []string{
	"01-naive",
	"02-goroutine-per-station",
	"03-batched-channels",
	"04-int-temps",
}

// validCase is an input with its expected answer.
type validCase struct {
	name string // subtest name
	path string // absolute path of the input
	want []byte // expected stdout
}

// invalidCase is an input that breaks the rules, with what verify says about
// it.
type invalidCase struct {
	name      string
	path      string
	line      int  // first bad line, from verify.AggregateFile
	tooMany   bool // more than 10,000 names: the line is optional in the message
	truncated bool // a truncated last line: every step must survive it
}

// TestSolutions builds every step found by harness.Discover and, in one
// parallel subtest per step, checks it on every valid case at each
// GOMAXPROCS of procsList (byte-exact stdout, exit status 0), on a missing
// file and a directory (exit status 1, a message naming the path), and on
// broken inputs: every step must survive a truncated last line, and the
// strict steps must reject each broken input with "FILE:LINE: ".
func TestSolutions(t *testing.T) {
	sols, err := harness.Discover(".")
	if err != nil {
		t.Fatal(err)
	}
	var steps []harness.Solution
	for _, s := range sols {
		if s.OwnModule && os.Getenv(ownModulesEnv) != "1" {
			t.Logf("skipping %s: it has its own go.mod (set %s=1 to include it)", s.Name, ownModulesEnv)
			continue
		}
		steps = append(steps, s)
	}
	if len(steps) == 0 {
		t.Fatal("harness.Discover found no solutions")
	}
	for _, name := range strictSteps {
		if !slices.ContainsFunc(sols, func(s harness.Solution) bool { return s.Name == name }) {
			t.Errorf("strictSteps names %s, which harness.Discover did not find", name)
		}
	}

	dir := t.TempDir()
	valid := append(goldenCases(t), edgeCases(t, dir)...)
	valid = append(valid, generatedCases(t, dir)...)
	invalid := append(invalidGoldenCases(t), truncatedCases(t, dir)...)
	binDir := t.TempDir()
	var buildArgs []string
	if os.Getenv(raceEnv) == "1" {
		buildArgs = append(buildArgs, "-race")
	}

	for _, s := range steps {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
			defer cancel()
			bin, err := harness.Build(ctx, s, binDir, buildArgs...)
			if errors.Is(err, harness.ErrCPU) {
				t.Skip(err) // built for instructions this CPU lacks
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Run("valid", func(t *testing.T) {
				failures := 0
				for _, c := range valid {
					for _, procs := range procsList {
						if !checkValid(t, bin, c, procs) {
							failures++
						}
						if failures == maxFailures {
							t.Fatalf("stopping %s after %d failed runs", s.Name, failures)
						}
					}
				}
			})
			t.Run("missing-file", func(t *testing.T) {
				checkUnreadable(t, bin, filepath.Join(dir, "no-such-file.txt"))
			})
			t.Run("directory", func(t *testing.T) {
				checkUnreadable(t, bin, dir)
			})
			strict := slices.Contains(strictSteps, s.Name)
			t.Run("invalid", func(t *testing.T) {
				for _, c := range invalid {
					if strict || c.truncated {
						checkInvalid(t, bin, c, strict)
					}
				}
			})
		})
	}
}

// result is what one run of a solution did.
type result struct {
	stdout, stderr []byte
	code           int // exit status; -1 if killed by a signal
}

// run runs bin on path with GOMAXPROCS=procs (0: inherited) and no CPU
// profile, within runTimeout. A run that times out or cannot start fails
// the test.
func run(t *testing.T, bin, path string, procs int) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, path)
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, profile.EnvVar+"=") || strings.HasPrefix(kv, "GOMAXPROCS=")
	})
	if procs > 0 {
		env = append(env, "GOMAXPROCS="+strconv.Itoa(procs))
	}
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s (GOMAXPROCS=%d): no answer within %v", filepath.Base(bin), path, procs, runTimeout)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s %s: %v", filepath.Base(bin), path, err)
	}
	return result{stdout.Bytes(), stderr.Bytes(), cmd.ProcessState.ExitCode()}
}

// crashRE matches the start of a Go runtime crash report on stderr.
var crashRE = regexp.MustCompile(`(?m)^(panic: |fatal error: |unexpected fault address|goroutine \d+ \[|SIGSEGV|SIGBUS)`)

// checkNoCrash fails the test if r is a crash: an exit status other than 0
// or 1 (a Go panic exits 2, a signal gives -1) or a runtime crash report.
func checkNoCrash(t *testing.T, what string, r result) {
	t.Helper()
	if r.code != 0 && r.code != 1 || crashRE.Match(r.stderr) {
		t.Errorf("%s crashed (exit status %d); stderr:\n%s", what, r.code, clip(r.stderr))
	}
}

// checkValid runs bin on c with GOMAXPROCS=procs and reports whether it
// printed exactly the expected answer.
func checkValid(t *testing.T, bin string, c validCase, procs int) bool {
	t.Helper()
	what := fmt.Sprintf("%s on %s with GOMAXPROCS=%d", filepath.Base(bin), c.name, procs)
	r := run(t, bin, c.path, procs)
	if r.code != 0 {
		t.Errorf("%s: exit status %d; stderr:\n%s", what, r.code, clip(r.stderr))
		return false
	}
	if bytes.Equal(r.stdout, c.want) {
		return true
	}
	report, err := verify.Compare(c.want, r.stdout)
	if err != nil {
		t.Fatalf("%s: expected answer is malformed: %v", c.name, err)
	}
	t.Errorf("%s: %s", what, report)
	return false
}

// checkUnreadable runs bin on a path it cannot read as a file: it must exit
// 1 with a message naming the path.
func checkUnreadable(t *testing.T, bin, path string) {
	t.Helper()
	r := run(t, bin, path, 0)
	what := fmt.Sprintf("%s %s", filepath.Base(bin), path)
	checkNoCrash(t, what, r)
	if r.code != 1 || !bytes.Contains(r.stderr, []byte(path)) {
		t.Errorf("%s: exit status %d, stderr %q; want exit status 1 and a message naming the file", what, r.code, clip(r.stderr))
	}
}

// checkInvalid runs bin on a broken input. Every step must survive it:
// finish, and exit 0 or 1 without a crash report. A strict step must exit 1
// with stderr starting "FILE:LINE: " for the first bad line ("FILE:" alone
// is accepted for too many stations, which some steps only see when merging).
func checkInvalid(t *testing.T, bin string, c invalidCase, strict bool) {
	t.Helper()
	r := run(t, bin, c.path, 2)
	what := fmt.Sprintf("%s on invalid input %s", filepath.Base(bin), c.name)
	checkNoCrash(t, what, r)
	if !strict {
		return
	}
	prefix := fmt.Sprintf("%s:%d: ", c.path, c.line)
	ok := r.code == 1 && bytes.HasPrefix(r.stderr, []byte(prefix))
	if c.tooMany {
		ok = r.code == 1 && bytes.HasPrefix(r.stderr, []byte(c.path+":")) &&
			bytes.Contains(r.stderr, []byte(verify.ErrTooManyStations.Error()))
	}
	if !ok {
		t.Errorf("%s: exit status %d, stderr %q; want exit status 1 and a message starting %q", what, r.code, clip(r.stderr), prefix)
	}
}

func clip(b []byte) []byte {
	if len(b) > 2000 {
		return append(b[:2000:2000], "..."...)
	}
	return b
}

// goldenCases returns verify's golden cases: verify/testdata/*.txt with
// their .out files.
func goldenCases(t *testing.T) []validCase {
	t.Helper()
	ins, err := filepath.Glob("../verify/testdata/*.txt")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no golden cases in ../verify/testdata (%v)", err)
	}
	var cases []validCase
	for _, in := range ins {
		abs, err := filepath.Abs(in)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(strings.TrimSuffix(abs, ".txt") + ".out")
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, validCase{name: "golden/" + filepath.Base(in), path: abs, want: want})
	}
	return cases
}

// invalidGoldenCases returns verify's broken inputs,
// verify/testdata/invalid/*.txt, with the line verify rejects.
func invalidGoldenCases(t *testing.T) []invalidCase {
	t.Helper()
	ins, err := filepath.Glob("../verify/testdata/invalid/*.txt")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no invalid cases in ../verify/testdata/invalid (%v)", err)
	}
	var cases []invalidCase
	for _, in := range ins {
		abs, err := filepath.Abs(in)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, invalidCaseFor(t, "invalid/"+filepath.Base(in), abs, false))
	}
	return cases
}

// invalidCaseFor asks verify.AggregateFile where path goes wrong.
func invalidCaseFor(t *testing.T, name, path string, truncated bool) invalidCase {
	t.Helper()
	_, err := verify.AggregateFile(path)
	var se *verify.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("verify.AggregateFile(%s) = %v, want a *verify.SyntaxError", path, err)
	}
	return invalidCase{
		name:      name,
		path:      path,
		line:      se.Line,
		tooMany:   strings.Contains(se.Msg, verify.ErrTooManyStations.Error()),
		truncated: truncated,
	}
}

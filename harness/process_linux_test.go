//go:build linux

package harness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// These tests run real, tiny programs (sh and sleep) to check what the
// measurement covers. They assert behaviour (a grandchild's lifetime is
// included, a timeout kills the group), never speed.

func newRunner(t *testing.T) *ProcessRunner {
	t.Helper()
	r, err := NewProcessRunner()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sh(script string) Command {
	return Command{Path: "/bin/sh", Args: []string{"-c", script}, Timeout: 10 * time.Second}
}

// A grandchild that outlives its parent, detached from stdout: the
// subreaper reaps it and the wall time includes its 200 ms.
func TestProcessRunnerWaitsForOrphans(t *testing.T) {
	m, err := newRunner(t).Run(context.Background(), sh("sleep 0.2 >/dev/null 2>&1 & echo started"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Processes != 2 || m.ExitCode != 0 || string(m.Stdout) != "started\n" {
		t.Errorf("processes %d, exit %d, stdout %q; want 2, 0, %q", m.Processes, m.ExitCode, m.Stdout, "started\n")
	}
	if m.Wall < 200*time.Millisecond {
		t.Errorf("wall %s does not include the orphan's 200 ms sleep", m.Wall)
	}
	if m.PeakRSS <= 0 {
		t.Errorf("peak RSS %d, want > 0", m.PeakRSS)
	}
}

// Output written by a grandchild after its parent exited is read to the end.
func TestProcessRunnerReadsOutputToEOF(t *testing.T) {
	m, err := newRunner(t).Run(context.Background(), sh("(sleep 0.1; echo late) & echo early"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Stdout); got != "early\nlate\n" {
		t.Errorf("stdout %q, want %q", got, "early\nlate\n")
	}
}

func TestProcessRunnerExitStatus(t *testing.T) {
	m, err := newRunner(t).Run(context.Background(), sh("echo partial; echo 'solution: open x: no such file' >&2; exit 3"))
	if err != nil {
		t.Fatal(err)
	}
	if m.ExitCode != 3 || m.Signal != "" || m.TimedOut {
		t.Errorf("exit %d signal %q timed out %v; want 3, none, false", m.ExitCode, m.Signal, m.TimedOut)
	}
	if got, want := m.Failure(), "exit status 3: solution: open x: no such file"; got != want {
		t.Errorf("Failure() = %q, want %q", got, want)
	}
}

func TestProcessRunnerSignal(t *testing.T) {
	m, err := newRunner(t).Run(context.Background(), sh("kill -SEGV $$"))
	if err != nil {
		t.Fatal(err)
	}
	if m.ExitCode != -1 || m.Signal != "SIGSEGV" || m.Failure() != "killed by signal SIGSEGV" {
		t.Errorf("exit %d signal %q failure %q; want -1, SIGSEGV", m.ExitCode, m.Signal, m.Failure())
	}
}

// A timeout kills the whole group: the sleeping grandchild too, or the
// run would last its full 30 s.
func TestProcessRunnerTimeoutKillsGroup(t *testing.T) {
	c := sh("sleep 30 & sleep 30; echo never")
	c.Timeout = 100 * time.Millisecond
	m, err := newRunner(t).Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if !m.TimedOut || m.Signal != "SIGKILL" || len(m.Stdout) != 0 {
		t.Errorf("timed out %v, signal %q, stdout %q; want true, SIGKILL, empty", m.TimedOut, m.Signal, m.Stdout)
	}
	if m.Wall > 10*time.Second {
		t.Errorf("wall %s: the group was not killed", m.Wall)
	}
	if !strings.HasPrefix(m.Failure(), "timed out after") {
		t.Errorf("Failure() = %q", m.Failure())
	}
}

func TestProcessRunnerCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := newRunner(t).Run(ctx, sh("sleep 30"))
	if err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestProcessRunnerEnvAndDir(t *testing.T) {
	c := sh(`printf '%s %s' "$ONEBRC_TEST" "$(pwd)"`)
	c.Env = []string{"ONEBRC_TEST=yes"}
	c.Dir = "/"
	m, err := newRunner(t).Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Stdout); got != "yes /" {
		t.Errorf("stdout %q, want %q", got, "yes /")
	}
}

func TestProcessRunnerMissingProgram(t *testing.T) {
	_, err := newRunner(t).Run(context.Background(), Command{Path: "/nonexistent/solution"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/solution") {
		t.Errorf("err = %v, want one naming the program", err)
	}
}

// peakAnonHelperEnv turns the test binary into the helper program of the
// PeakAnon tests (TestPeakAnonHelper): its value says what to hold.
const peakAnonHelperEnv = "ONEBRC_PEAK_ANON_HELPER"

// peakAnonHelper returns a Command that runs this test binary as the
// helper program, doing what spec says (see TestPeakAnonHelper).
func peakAnonHelper(t *testing.T, spec string) Command {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Command{Path: exe, Args: []string{"-test.run=^TestPeakAnonHelper$"}, Env: []string{peakAnonHelperEnv + "=" + spec}, Timeout: 20 * time.Second}
}

// TestPeakAnonHelper is not a test but the helper program of the PeakAnon
// tests, run as a child with peakAnonHelperEnv set to one of
//
//	anon MIB [N DIR]  allocate MIB MiB of private anonymous memory and write every page
//	file PATH         map the file at PATH and read every page
//
// It then holds that memory for 200 ms and exits. With N and DIR it first
// creates a file in DIR and waits (at most 10 s) until DIR holds N files,
// so that N helpers hold their memory at the same time.
func TestPeakAnonHelper(t *testing.T) {
	kind, rest, _ := strings.Cut(os.Getenv(peakAnonHelperEnv), " ")
	if kind == "" {
		t.Skip("the helper program of the PeakAnon tests, not a test")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "peak anon helper:", err)
		os.Exit(2)
	}
	var sum byte
	switch kind {
	case "anon":
		args := strings.SplitN(rest, " ", 3) // MIB, then N and DIR (which may hold spaces)
		mib, err := strconv.Atoi(args[0])
		if err != nil {
			fail(err)
		}
		mem, err := unix.Mmap(-1, 0, mib<<20, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			fail(err)
		}
		for i := 0; i < len(mem); i += 4096 {
			mem[i] = 1
		}
		if len(args) == 3 {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				fail(err)
			}
			dir := args[2]
			if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(os.Getpid())), nil, 0o644); err != nil {
				fail(err)
			}
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if ents, err := os.ReadDir(dir); err == nil && len(ents) >= n {
					break
				}
			}
		}
	case "file":
		f, err := os.Open(rest)
		if err != nil {
			fail(err)
		}
		fi, err := f.Stat()
		if err != nil {
			fail(err)
		}
		mem, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			fail(err)
		}
		for i := 0; i < len(mem); i += 4096 {
			sum += mem[i]
		}
	default:
		fail(fmt.Errorf("unknown kind %q", kind))
	}
	time.Sleep(200 * time.Millisecond)
	fmt.Println("held", sum)
	os.Exit(0)
}

// runHelper runs c with a new ProcessRunner and fails unless it exits
// cleanly.
func runHelper(t *testing.T, c Command) Measurement {
	t.Helper()
	m, err := newRunner(t).Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if f := m.Failure(); f != "" {
		t.Fatalf("helper failed: %s", f)
	}
	t.Logf("wall %s, peak RSS %s, peak anon %s", m.Wall, FormatBytes(float64(m.PeakRSS)), FormatBytes(float64(m.PeakAnon)))
	return m
}

// A program that writes 64 MiB of private memory and holds it: PeakAnon
// counts them, once (the test binary's own heap and runtime add a few MiB).
func TestPeakAnonCountsAnonymousMemory(t *testing.T) {
	m := runHelper(t, peakAnonHelper(t, "anon 64"))
	if m.PeakAnon < 64<<20 || m.PeakAnon > 96<<20 {
		t.Errorf("PeakAnon = %s, want 64 MiB and a few more (not above 96 MiB)", FormatBytes(float64(m.PeakAnon)))
	}
}

// A program that maps a 64 MiB file and reads all of it: PeakRSS counts
// the file's pages, PeakAnon does not.
func TestPeakAnonLeavesOutMappedFiles(t *testing.T) {
	const size = 64 << 20
	path := filepath.Join(t.TempDir(), "m.txt")
	// Written 1 MiB at a time, so that this process's own peak RSS, which
	// Linux carries into the helper's ru_maxrss, stays below the file's size.
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("Hamburg;12.0\n"), (1<<20)/13)
	for n := 0; n < size; n += len(chunk) {
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var self unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &self); err != nil {
		t.Fatal(err)
	}
	m := runHelper(t, peakAnonHelper(t, "file "+path))
	if m.PeakRSS < size {
		t.Errorf("PeakRSS = %s, want at least the file's 64 MiB", FormatBytes(float64(m.PeakRSS)))
	}
	if own := self.Maxrss << 10; own >= size {
		t.Logf("this process's own peak RSS, %s, is carried into the helper's: PeakRSS alone does not show that the file's pages count", FormatBytes(float64(own)))
	}
	if m.PeakAnon <= 0 || m.PeakAnon > 16<<20 {
		t.Errorf("PeakAnon = %s, want a few MiB: the mapped file's pages are not anonymous", FormatBytes(float64(m.PeakAnon)))
	}
}

// Two children of the main process (a shell) that hold 32 MiB each at
// the same time: PeakAnon is their sum, found through the shell's
// /proc/PID/task/TID/children.
func TestPeakAnonSumsDescendants(t *testing.T) {
	dir := t.TempDir()
	h := peakAnonHelper(t, "anon 32 2 "+dir)
	c := sh(`"$0" "$1" & "$0" "$1"; wait`)
	c.Args = append(c.Args, h.Path, h.Args[0])
	c.Env = h.Env
	m := runHelper(t, c)
	if m.PeakAnon < 64<<20 {
		t.Errorf("PeakAnon = %s, want at least the two children's 2 × 32 MiB", FormatBytes(float64(m.PeakAnon)))
	}
}

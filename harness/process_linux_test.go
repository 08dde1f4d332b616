//go:build linux

package harness

import (
	"context"
	"strings"
	"testing"
	"time"
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

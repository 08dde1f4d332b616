//go:build linux

package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ProcessRunner is the Runner that executes real programs and measures
// their whole process tree.
//
// It makes the harness a child subreaper (PR_SET_CHILD_SUBREAPER), so a
// descendant whose parent exits is re-parented to the harness instead of
// init, and starts each program in its own process group. After the
// program exits, Run keeps reaping (wait4 on the group) until no process
// of the group is left and standard output reaches end of file: the wall
// time ends when the last descendant exits, and every reaped process's
// rusage (which includes the children it waited for itself) is added up.
// A descendant that leaves the process group (setsid, setpgid) escapes
// the measurement; no solution does that.
//
// A timeout or a cancelled context kills the whole process group with
// SIGKILL. Run is not safe for concurrent use: measure one program at a
// time.
type ProcessRunner struct{}

// NewProcessRunner returns a ProcessRunner after making the calling process
// a child subreaper, which lasts for the rest of the process's life.
func NewProcessRunner() (*ProcessRunner, error) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return nil, fmt.Errorf("harness: prctl(PR_SET_CHILD_SUBREAPER): %w", err)
	}
	return &ProcessRunner{}, nil
}

// Run implements Runner.
func (*ProcessRunner) Run(ctx context.Context, c Command) (Measurement, error) {
	var m Measurement
	if err := ctx.Err(); err != nil {
		return m, err
	}
	stdin, err := os.Open(os.DevNull)
	if err != nil {
		return m, fmt.Errorf("harness: run %s: %w", c.Path, err)
	}
	defer stdin.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return m, fmt.Errorf("harness: run %s: %w", c.Path, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return m, fmt.Errorf("harness: run %s: %w", c.Path, err)
	}
	attr := &syscall.ProcAttr{
		Dir:   c.Dir,
		Env:   mergeEnv(os.Environ(), c.Env),
		Files: []uintptr{stdin.Fd(), outW.Fd(), errW.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	}
	argv := append([]string{c.Path}, c.Args...)

	start := time.Now()
	pid, err := syscall.ForkExec(c.Path, argv, attr)
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return m, fmt.Errorf("harness: run %s: %w", c.Path, err)
	}

	var stdout bytes.Buffer
	stdoutDone := make(chan error, 1)
	go func() {
		_, err := io.Copy(&stdout, outR)
		outR.Close()
		stdoutDone <- err
	}()
	var stderr bytes.Buffer
	stderrDone := make(chan struct{})
	go func() {
		io.Copy(&stderr, io.LimitReader(errR, StderrLimit))
		io.Copy(io.Discard, errR)
		errR.Close()
		close(stderrDone)
	}()

	// The killer ends the group on timeout or cancellation, but never
	// after the group is gone (its id could be reused).
	var (
		mu        sync.Mutex
		finished  bool
		timedOut  bool
		cancelled bool
	)
	reaped := make(chan struct{})
	go func() {
		var timeout <-chan time.Time
		if c.Timeout > 0 {
			t := time.NewTimer(c.Timeout)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-reaped:
			return
		case <-ctx.Done():
			mu.Lock()
			cancelled = !finished
		case <-timeout:
			mu.Lock()
			timedOut = !finished
		}
		if !finished {
			unix.Kill(-pid, unix.SIGKILL)
		}
		mu.Unlock()
	}()

	var waitErr error
	for {
		var ws unix.WaitStatus
		var ru unix.Rusage
		wpid, err := unix.Wait4(-pid, &ws, 0, &ru)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.ECHILD) {
			break // no process of the group is left
		}
		if err != nil {
			waitErr = fmt.Errorf("harness: wait4 for %s: %w", c.Path, err)
			unix.Kill(-pid, unix.SIGKILL)
			break
		}
		m.Processes++
		m.User += time.Duration(ru.Utime.Nano())
		m.Sys += time.Duration(ru.Stime.Nano())
		m.PeakRSS = max(m.PeakRSS, ru.Maxrss*1024) // ru_maxrss is in KiB on Linux
		if wpid == pid {
			switch {
			case ws.Exited():
				m.ExitCode = ws.ExitStatus()
			case ws.Signaled():
				m.ExitCode = -1
				m.Signal = unix.SignalName(ws.Signal())
			}
		}
	}
	mu.Lock()
	finished = true
	mu.Unlock()
	close(reaped)

	var readErr error
	select {
	case readErr = <-stdoutDone:
	case <-ctx.Done():
		// Something outside the group still holds the pipe; give up on it.
		outR.Close()
		readErr = <-stdoutDone
	}
	m.Wall = time.Since(start)
	select {
	case <-stderrDone:
	case <-ctx.Done():
		errR.Close()
		<-stderrDone
	}
	m.Stdout = stdout.Bytes()
	m.Stderr = stderr.Bytes()

	mu.Lock()
	m.TimedOut = timedOut
	wasCancelled := cancelled
	mu.Unlock()
	switch {
	case waitErr != nil:
		return m, waitErr
	case wasCancelled:
		return m, ctx.Err()
	case readErr != nil && !errors.Is(readErr, os.ErrClosed):
		return m, fmt.Errorf("harness: read output of %s: %w", c.Path, readErr)
	}
	return m, nil
}

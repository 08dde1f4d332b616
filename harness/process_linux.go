//go:build linux

package harness

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
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
// While the program runs, one goroutine of Run samples its anonymous
// resident memory every AnonSampleInterval for Measurement.PeakAnon: the
// RssAnon line of /proc/PID/status of the main process and of each of its
// descendants, found through /proc/PID/task/TID/children of every thread,
// recursively (a kernel without CONFIG_PROC_CHILDREN has no such file:
// then only the main process counts), summed. The first sample is taken as
// soon as the program has been started (exec has succeeded when ForkExec
// returns), and sampling stops when the main process has been reaped. A
// process that vanishes between two reads is skipped, and a read that fails
// is not a failure of the run: the figure is a lower bound in any case, as
// a peak between two samples goes unseen. A sample counts only if it read the
// main process's RssAnon, which an exited (zombie) process no longer has;
// by then its children have been re-parented to the harness, so a
// descendant that outlives the main process is not sampled after it exits
// (the CPU times and ru_maxrss above still include it). Each sample reads
// a file and a directory of /proc per process (status, task) and a file per
// thread (children), kept open from one sample to the next and read into
// reused buffers; it never scans all of /proc.
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

	// The sampler runs until stopAnon is closed, once the main process has
	// been reaped (or the wait failed), and then sends its peak.
	stopAnon := make(chan struct{})
	anonStopped := false
	peakAnon := make(chan int64, 1)
	go func() { peakAnon <- samplePeakAnon(pid, stopAnon) }()

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
			close(stopAnon)
			anonStopped = true
			switch {
			case ws.Exited():
				m.ExitCode = ws.ExitStatus()
			case ws.Signaled():
				m.ExitCode = -1
				m.Signal = unix.SignalName(ws.Signal())
			}
		}
	}
	if !anonStopped {
		close(stopAnon)
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
	m.PeakAnon = <-peakAnon

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

// samplePeakAnon samples the anonymous resident memory of the process root
// and its descendants every AnonSampleInterval, the first time at once,
// until stop is closed, and returns the largest sum in bytes, or 0 when no
// sample read root's RssAnon (see ProcessRunner).
func samplePeakAnon(root int, stop <-chan struct{}) int64 {
	s := anonSampler{buf: make([]byte, 4096), files: map[procFile]*openProcFile{}}
	defer s.closeAll()
	peak, _ := s.sample(root)
	t := time.NewTicker(AnonSampleInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return peak
		case <-t.C:
			if v, ok := s.sample(root); ok {
				peak = max(peak, v)
			}
		}
	}
}

// maxSampledProcesses bounds the processes one sample visits, so that a
// race with exiting processes and reused ids can never make it loop.
const maxSampledProcesses = 4096

// anonSampler holds what samplePeakAnon reuses from one sample to the
// next: its buffers, and the /proc files it read, kept open. Reading an
// open file of /proc again from offset 0 costs a third of opening it
// anew; and an open file stays bound to its process, so once the process
// is gone it fails to read, even if its id has been reused.
type anonSampler struct {
	buf   []byte                     // contents of the file or directory being read
	path  []byte                     // the path being built
	files map[procFile]*openProcFile // files read by the last sample
	pids  []int                      // the processes of the sample: root, then descendants
	tids  []int                      // the threads of one process
}

// procFile names a file of /proc the sampler reads.
type procFile struct {
	pid, tid int  // process, and thread for procChildren
	kind     byte // procStatus, procTask or procChildren
}

// The kinds of procFile.
const (
	procStatus   = iota // /proc/PID/status
	procTask            // /proc/PID/task, the directory of the threads
	procChildren        // /proc/PID/task/TID/children
)

// openProcFile is an open procFile, and whether the current sample read
// it (the others are closed after it).
type openProcFile struct {
	fd   int
	used bool
}

// sample returns the sum of RssAnon, in bytes, over root and its
// descendants, and whether root's own value could be read. Processes and
// threads that vanish while it reads are skipped.
func (s *anonSampler) sample(root int) (int64, bool) {
	for _, f := range s.files {
		f.used = false
	}
	defer s.closeUnused()
	s.pids = append(s.pids[:0], root)
	var sum int64
	for i := 0; i < len(s.pids) && i < maxSampledProcesses; i++ {
		pid := s.pids[i]
		kb, ok := s.rssAnon(pid)
		if !ok {
			if i == 0 {
				return 0, false // exited: its children are no longer its own
			}
			continue
		}
		sum += kb << 10
		s.tids = s.threads(pid, s.tids[:0])
		for _, tid := range s.tids {
			s.pids = s.children(pid, tid, s.pids)
		}
	}
	return sum, true
}

// open returns the descriptor of f, opening it if the last sample did
// not, and marks it used; false when it cannot be opened.
func (s *anonSampler) open(f procFile) (int, bool) {
	if o, ok := s.files[f]; ok {
		o.used = true
		return o.fd, true
	}
	p := append(s.path[:0], "/proc/"...)
	p = strconv.AppendInt(p, int64(f.pid), 10)
	flags := unix.O_RDONLY | unix.O_CLOEXEC
	switch f.kind {
	case procStatus:
		p = append(p, "/status"...)
	case procTask:
		p = append(p, "/task"...)
		flags |= unix.O_DIRECTORY
	case procChildren:
		p = append(p, "/task/"...)
		p = strconv.AppendInt(p, int64(f.tid), 10)
		p = append(p, "/children"...)
	}
	s.path = p
	fd, err := unix.Open(string(p), flags, 0)
	if err != nil {
		return -1, false
	}
	s.files[f] = &openProcFile{fd: fd, used: true}
	return fd, true
}

// drop closes f after a failed read, so that the next sample opens it
// anew (or finds it gone).
func (s *anonSampler) drop(f procFile) {
	if o, ok := s.files[f]; ok {
		unix.Close(o.fd)
		delete(s.files, f)
	}
}

// closeUnused closes the files the current sample did not read: those of
// processes and threads that are gone.
func (s *anonSampler) closeUnused() {
	for f, o := range s.files {
		if !o.used {
			unix.Close(o.fd)
			delete(s.files, f)
		}
	}
}

// closeAll closes every file the sampler holds open.
func (s *anonSampler) closeAll() {
	for f, o := range s.files {
		unix.Close(o.fd)
		delete(s.files, f)
	}
}

// read reads f from its start into s.buf, growing it as needed, and
// returns the contents, or false when f cannot be read. With whole false
// one read is enough: the caller wants the start of the file only. A read
// that does not fill the buffer ends the file: the files read are
// seq_files, which fill the buffer as far as they reach.
func (s *anonSampler) read(f procFile, whole bool) ([]byte, bool) {
	fd, ok := s.open(f)
	if !ok {
		return nil, false
	}
	n := 0
	for {
		if n == len(s.buf) {
			s.buf = append(s.buf, make([]byte, len(s.buf))...)
		}
		k, err := unix.Pread(fd, s.buf[n:], int64(n))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			s.drop(f)
			return nil, false
		}
		n += k
		if n < len(s.buf) || !whole {
			return s.buf[:n], true
		}
	}
}

// rssAnon returns the RssAnon of process pid in KiB, or false when it has
// none (an exited process) or its status cannot be read.
func (s *anonSampler) rssAnon(pid int) (int64, bool) {
	b, ok := s.read(procFile{pid: pid, kind: procStatus}, false)
	if !ok {
		return 0, false
	}
	const key = "\nRssAnon:"
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, false
	}
	b = bytes.TrimLeft(b[i+len(key):], " \t")
	var kb int64
	digits := 0
	for ; digits < len(b) && '0' <= b[digits] && b[digits] <= '9'; digits++ {
		kb = kb*10 + int64(b[digits]-'0')
	}
	if digits == 0 || !bytes.HasPrefix(b[digits:], []byte(" kB")) {
		return 0, false
	}
	return kb, true
}

// threads appends the thread ids of process pid (the entries of
// /proc/PID/task) to tids.
func (s *anonSampler) threads(pid int, tids []int) []int {
	f := procFile{pid: pid, kind: procTask}
	fd, ok := s.open(f)
	if !ok {
		return tids
	}
	if _, err := unix.Seek(fd, 0, io.SeekStart); err != nil {
		s.drop(f)
		return tids
	}
	for {
		n, err := unix.Getdents(fd, s.buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			s.drop(f)
			return tids
		}
		if n <= 0 {
			return tids
		}
		tids = appendDirentIDs(tids, s.buf[:n])
	}
}

// appendDirentIDs appends the names of the directory entries in buf (as
// getdents64 returns them) that are decimal numbers.
func appendDirentIDs(ids []int, buf []byte) []int {
	// struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name, NUL.
	const nameOff = 19
	for len(buf) >= nameOff {
		reclen := int(binary.NativeEndian.Uint16(buf[16:18]))
		if reclen < nameOff || reclen > len(buf) {
			return ids
		}
		id, digits := 0, 0
		for _, c := range buf[nameOff:reclen] {
			if c == 0 {
				break
			}
			if c < '0' || c > '9' {
				digits = 0
				break
			}
			id = id*10 + int(c-'0')
			digits++
		}
		if digits > 0 {
			ids = append(ids, id)
		}
		buf = buf[reclen:]
	}
	return ids
}

// children appends to pids the ids in /proc/PID/task/TID/children: the
// children that thread tid of process pid started.
func (s *anonSampler) children(pid, tid int, pids []int) []int {
	b, ok := s.read(procFile{pid: pid, tid: tid, kind: procChildren}, true)
	if !ok {
		return pids
	}
	id, digits := 0, 0
	for _, c := range b {
		if '0' <= c && c <= '9' {
			id = id*10 + int(c-'0')
			digits++
			continue
		}
		if digits > 0 {
			pids = append(pids, id)
		}
		id, digits = 0, 0
	}
	if digits > 0 {
		pids = append(pids, id)
	}
	return pids
}

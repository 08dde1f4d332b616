package main

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// ioStreams are the streams a command reads and writes, injected so tests
// can capture them.
type ioStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ErrTerminal says whether ErrOut is a terminal: live progress and a
	// redrawn status line there, plain lines otherwise.
	ErrTerminal bool
}

// systemIO returns the process's standard streams.
func systemIO() *ioStreams {
	return &ioStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, ErrTerminal: isTerminal(os.Stderr)}
}

// isTerminal reports whether f is a terminal that can redraw a line.
func isTerminal(f *os.File) bool {
	if os.Getenv("TERM") == "dumb" {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), getTermios)
	return err == nil
}

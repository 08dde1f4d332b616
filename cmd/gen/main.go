// Gen writes a 1BRC measurements file and, beside it, its exact expected
// answer.
//
// Usage:
//
//	gen [--rows N] [--stations classic|10k|numbered] [--seed S] [--workers W] [--out PATH] [--force]
//
// It writes PATH (default data/measurements.txt; through PATH.tmp, renamed
// at the end) with N lines "<station>;<value>" (default 1e9) and the answer
// to PATH with .txt replaced by .out. The same N, stations and seed give the
// same bytes for any number of workers. It refuses to overwrite PATH without
// --force and checks free disk space first. A bad flag exits with status 2,
// a failure with 1, an interrupt (Ctrl-C) with 130 after removing PATH.tmp.
// When stderr is a terminal it shows a progress bar there; otherwise it is
// silent.
//
// Example:
//
//	$ go run ./cmd/gen --rows 10M --stations 10k --out data/m10k.txt
//	$ head -c 60 data/m10k.out
//
// The logic lives in package [github.com/onebrc/onebrc/cmd/gen/measurements].
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], ioStreams{Out: os.Stdout, ErrOut: os.Stderr, ErrIsTerminal: isTerminal(os.Stderr)})
	stop()
	os.Exit(code)
}

// Run builds, verifies, times and ranks the 1BRC solutions under
// solutions/, and renders the leaderboard.
//
// Usage:
//
//	run list
//	run verify [--solutions GLOB] FILE...
//	run bench [--file PATH] [--runs N] [--warmup N] [--solutions GLOB] [--timeout DUR] [--max-time DUR] [--out DIR] [--profile]
//	run leaderboard [RAW]
//	run compare OLD NEW
//	run new NN-slug
//
// Run it from the repository root (the Makefile does). "run bench" builds
// every solution once, runs each as its own process (one warm-up, then at
// least 10 runs or 3 s of runs, at most --max-time per solution), checks
// every output against the data file's .out, and after each solution
// rewrites results/<UTC time>-<host>.txt in Go benchmark format and
// results/leaderboard.md. Progress and results go to standard error; the
// summary and the files written go to standard output.
//
// An example session:
//
//	$ go run ./cmd/run bench --file data/measurements-10M-classic-seed1.txt
//	Benchmark 1/4: floor (read every byte)
//	  Time (median):        28.1 ms         [User: 30.2 ms, System: 25.0 ms, CPU use: 1.96, Peak RSS: 9.1 MiB]
//	  95% CI:               27.9 ms …   28.6 ms
//	  Range (min … max):    27.5 ms …   30.0 ms    30 runs
//	...
//	Summary
//	  09-mmap-workers ran
//	     41.20 ± 0.80 times faster than 01-naive
//
// Exit status: 0 when everything passed, 1 when a solution failed or an
// error stopped the command, 2 for bad flags or arguments, 130 after
// Ctrl-C (finished results are kept).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, systemIO(), os.Args[1:])
	stop()
	os.Exit(code)
}

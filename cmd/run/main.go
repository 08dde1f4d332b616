// Run builds, verifies, times and ranks the 1BRC solutions under
// solutions/, and renders the leaderboard.
//
// Usage:
//
//	run list
//	run verify [--solutions GLOB] FILE...
//	run bench [--file PATH] [--runs N] [--warmup N] [--solutions GLOB] [--timeout DUR] [--max-time DUR] [--out DIR] [--profile]
//	run scale [--rows 1e6,1e7,1e8,1e9] [--cores 1,2,...] [--solutions GLOB] [--stations classic] [--seed 1] [--data-dir DIR] [--out DIR] [--render [RAW]]
//	run files [--solutions GLOB] [--runs 8] [--warmup 1] [--out DIR] FILE FILE...
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
// An example session (a loaded 2-core machine; plain lines because
// standard error is not a terminal here):
//
//	$ go run ./cmd/run bench --file data/measurements-10M-classic-seed1.txt
//	Reading data/measurements-10M-classic-seed1.txt (rows, bytes, expected answer)
//	  10000000 rows, 131.6 MiB, 413 stations; expected answer: data/measurements-10M-classic-seed1.out
//
//	Benchmark 1/11: floor (read every byte)
//	  Time (median):         44.2 ms         [User: 4.6 ms, System: 20.0 ms, CPU use: 0.59, Peak RSS: 20.3 MiB]
//	  95% CI:                36.6 ms …   46.4 ms
//	  Range (min … max):     20.2 ms …  101.7 ms    69 runs
//	  (not a solution: the harness reading every byte of the file; not verified)
//
//	Benchmark 2/11: 01-naive
//	  building 01-naive
//	  Time (median):         2.178 s         [User: 1.069 s, System: 72.9 ms, CPU use: 0.52, Peak RSS: 21.2 MiB]
//	  95% CI:                1.841 s …   2.475 s
//	  Range (min … max):     1.381 s …   2.602 s    10 runs
//	...
//	Summary
//	  11-fast ran
//	      3.53 ± 0.57 times faster than 09-mmap-workers
//	     17.01 ± 3.85 times faster than 01-naive
//	...
//	Wrote results/2026-11-24T023555Z-vm.txt and results/leaderboard.md
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

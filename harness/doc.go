// Package harness builds, runs, times, verifies and ranks the solutions
// under solutions/; cmd/run is its command line.
//
// # Pipeline
//
// [Discover] finds the steps and [Select] keeps those asked for. [LoadData]
// reads the measurements file once ([ScanFile]: bytes and rows, which also
// fills the page cache; a second time when [Resident] finds less than
// [WellCached] of it cached, and the CLI warns if that stays so) and its
// expected answer ([ExpectedAnswer]: the .out beside it, or verify's
// reference aggregator); [LoadFreshData] first drops the file from the
// page cache ([DropCached]) so that the runs find it as one fresh read
// leaves it. A [Holder] (the CLI's "run hold", which calls [HoldMapped])
// then keeps the file mapped in a process of its own until the end, so
// that reclaim of unmapped file pages cannot change that state between
// the steps. [Bench] then takes
// each solution in turn: [Build] compiles it once, and a [Runner] executes
// it as its own process under a [Policy] (warm-up and timed runs), every
// run checked with verify.Compare. The floor row, a program that reads
// every byte of the file, runs first under the same policy. With
// Options.Interleave (run bench's default) only the builds and warm-ups
// come in turn, and the timed runs in rounds of one run of each solution,
// so that a drift of a shared machine's speed hits every solution alike.
// After each solution finishes, Options.Record gets the [Suite] so far;
// the CLI writes it with [SaveRaw] in Go benchmark format and renders the
// leaderboard from it with [RenderLeaderboard]. [Reporter] prints the progress hyperfine
// style, [WriteSummary] the closing summary, and [Verify] is the one-shot
// correctness check behind "run verify".
//
// # Measurement
//
// [ProcessRunner] is the only code that touches processes and clocks.
// It makes the harness a child subreaper and starts each program in its
// own process group, so it can wait for the whole tree: wall time runs
// from just before the fork until the last descendant is reaped and
// standard output reaches end of file; user and system time are summed
// over every process reaped; peak RSS is the largest ru_maxrss of any of
// them (not the peak of their sum, which no kernel counter gives), and
// counts the pages of a mapped data file. Peak anon leaves those out: a
// goroutine samples the anonymous resident memory (RssAnon) of the main
// process and its descendants every [AnonSampleInterval], sums it, and
// keeps the largest sum, a lower bound since a peak between two samples
// goes unseen. A timeout or Ctrl-C kills the process group. Tests
// substitute a fake Runner, so nothing above it reads a clock.
//
// # Scale sweeps
//
// [Scale] runs [Bench] once per point of a grid: each size (a data file
// from [LoadScaleData], generated with cmd/gen's library when missing and
// named by [ScaleDataFile]) times each core count. [OnCores] wraps the
// runner so that a program runs on n cores: GOMAXPROCS=n in its
// environment, and the CPU affinity [PinCPUs] sets on the harness's
// locked thread just before the fork, which the program inherits. Each
// solution is built once for the whole sweep. With ScaleOptions.Interleave
// (run scale's default) each point's Bench takes its timed runs in rounds,
// as run bench does; the rounds stay within a point, and the points run
// one after the other. [WriteScaleRaw] records the sweep in one Go
// benchmark file whose configuration changes from point to point (rows,
// cores), and [RenderScale] draws scale.md with a log-log chart of time
// against rows and a chart of speedup against cores. The report compares
// no two solutions at one point, only one solution's medians across
// points, so it has nothing to pair round by round.
//
// # Data files compared
//
// [Files] times chosen solutions on two or more data files in rounds
// across the files, so that each file can be compared with the first
// round by round ("run files": how much longer does a step take on the
// 10k-names file than on the classic one?). [StatDataFiles] and
// [CheckMemory] first make sure that every file has its .out and that the
// files fit in memory together ([MemAvailable]); files that do not are
// taken one at a time ([FilesOptions].Visit: before a file's runs, the
// CLI drops every file from the page cache and reads that one back), if
// each fits on its own. Every solution is built
// once, each (file, solution) pair warmed up, then each round runs every
// pair once, files in order and solutions in order within a file, the
// whole order reversed every other round; every run is verified, and a
// solution that fails runs no more. [CompareRounds] pairs a solution's
// runs on a file with its runs on the first file by round: the median of
// the rounds' ratios, their range, and how many rounds were slower.
// [WriteFilesRaw] writes the runs in Go benchmark format with the file as
// the only configuration key that changes ("benchstat -col file"), and
// [WriteFilesReport] and [WriteFilesSummary] render files.md and the
// closing summary.
//
// # Records
//
// A raw file holds configuration lines (machine, commit, data file), one
// BenchmarkOneBRC/solution=NAME line per timed run with ns/op, MB/s,
// user-ns/op, sys-ns/op, peak-RSS-B and peak-anon-B (absent where no
// sample was taken, and in files written before the harness took them:
// such a run's peak anon is unknown, shown as "—"), and "# onebrc
// solution=NAME key: value" annotations for what the format has no room
// for: warm-up counts, failures with their reasons (a failed solution has
// no result lines), a first run that was the only sample, profile paths.
// The Go benchmark format ignores such lines, so benchstat reads the file
// unchanged. [ReadRaw] reads it all back; [Rank] and [Summarize] turn it
// into the leaderboard's rows: medians with benchmath's 95% confidence
// intervals, speedups, throughput, CPU use, peak RSS and peak anon.
package harness

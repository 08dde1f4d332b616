package harness

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	Solutions []Solution // the solutions to check, in order
	Files     []string   // measurements files; each one's answer comes from ExpectedAnswer
	Runner    Runner     // executes the programs
	// Build compiles a solution and returns its binary's path; each
	// solution is built once for all files.
	Build   func(ctx context.Context, s Solution) (string, error)
	Timeout time.Duration // per run; 0 means none
	// Progress, when not nil, receives each Check as soon as it is made.
	Progress func(Check)
}

// Check is the verdict on one solution for one file.
type Check struct {
	File         string        // the measurements file
	ExpectedFrom string        // where its expected answer came from
	Solution     string        // the solution's name
	Wall         time.Duration // how long the run took (informative, not a benchmark)
	// Failure is why the solution did not print the expected answer
	// (build error, crash, exit status, timeout, or verify.Compare's
	// report), or "" when it did.
	Failure string
}

// Verify runs every solution once on every file and compares each output
// with the file's expected answer. It returns one Check per solution and
// file, file by file. The error is for what stops the whole check: a
// file without an answer or a cancelled ctx.
func Verify(ctx context.Context, opts VerifyOptions) ([]Check, error) {
	type file struct {
		path, from string
		want       []byte
	}
	var files []file
	for _, f := range opts.Files {
		want, from, err := ExpectedAnswer(f)
		if err != nil {
			return nil, err
		}
		files = append(files, file{f, from, want})
	}
	bins := make([]string, len(opts.Solutions))
	builds := make([]string, len(opts.Solutions))
	for i, s := range opts.Solutions {
		bin, err := opts.Build(ctx, s)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			builds[i] = err.Error()
		}
		bins[i] = bin
	}
	var checks []Check
	for _, f := range files {
		for i, s := range opts.Solutions {
			c := Check{File: f.path, ExpectedFrom: f.from, Solution: s.Name, Failure: builds[i]}
			if c.Failure == "" {
				m, err := opts.Runner.Run(ctx, Command{Path: bins[i], Args: []string{f.path}, Timeout: opts.Timeout})
				if ctx.Err() != nil {
					return checks, ctx.Err()
				}
				c.Wall = m.Wall
				switch {
				case err != nil:
					c.Failure = "cannot run: " + err.Error()
				case m.Failure() != "":
					c.Failure = m.Failure()
				default:
					c.Failure = checkAnswer(f.want, m.Stdout)
				}
			}
			checks = append(checks, c)
			if opts.Progress != nil {
				opts.Progress(c)
			}
		}
	}
	return checks, nil
}

// WriteCheck prints one Check as a line ("ok" or "FAIL", the solution,
// the file), followed by the failure's report indented.
func WriteCheck(w io.Writer, c Check) {
	if c.Failure == "" {
		fmt.Fprintf(w, "ok    %-28s %s (%s)\n", c.Solution, c.File, FormatSeconds(c.Wall.Seconds()))
		return
	}
	lines := strings.Split(strings.TrimRight(c.Failure, "\n"), "\n")
	fmt.Fprintf(w, "FAIL  %-28s %s: %s\n", c.Solution, c.File, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "        %s\n", l)
	}
}

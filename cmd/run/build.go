package main

import (
	"context"
	"os"
	"os/exec"
	"time"

	"github.com/onebrc/onebrc/harness"
)

// selectSolutions discovers the solutions under dir and keeps those the
// flags ask for.
func selectSolutions(dir, pattern string, ownModules bool) ([]harness.Solution, error) {
	sols, err := harness.Discover(dir)
	if err != nil {
		return nil, err
	}
	sols, err = harness.Select(sols, pattern, ownModules)
	if err != nil {
		return nil, flagErrorf("--solutions: %w", err)
	}
	if len(sols) == 0 {
		return nil, flagErrorf("no solution under %s matches --solutions %q", dir, pattern)
	}
	return sols, nil
}

// builder returns a Build function that compiles into a fresh temporary
// directory, and the function that removes it.
func builder() (func(context.Context, harness.Solution) (string, error), func(), error) {
	dir, err := os.MkdirTemp("", "onebrc-bin-")
	if err != nil {
		return nil, nil, err
	}
	build := func(ctx context.Context, s harness.Solution) (string, error) {
		return harness.Build(ctx, s, dir)
	}
	return build, func() { os.RemoveAll(dir) }, nil
}

// checkPolicyFlags checks the run-policy flags that bench and scale share:
// --runs, --warmup, --max-time and --timeout.
func checkPolicyFlags(runs, warmup int, maxTime, timeout time.Duration) error {
	switch {
	case runs < 0:
		return flagErrorf("--runs must be at least 1 (or 0 for automatic), got %d", runs)
	case warmup < -1:
		return flagErrorf("--warmup must be at least 0 (or -1 for automatic), got %d", warmup)
	case maxTime <= 0:
		return flagErrorf("--max-time must be positive, got %s", maxTime)
	case timeout < 0:
		return flagErrorf("--timeout must not be negative, got %s", timeout)
	}
	return nil
}

// ownModulesDefault is the default of --own-modules: on when the
// environment has WITH_DUCKDB set (make bench WITH_DUCKDB=1 exports it).
func ownModulesDefault() bool { return os.Getenv("WITH_DUCKDB") != "" }

// execCommand runs an external program with the command's streams.
func execCommand(ctx context.Context, io *ioStreams, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = io.In, io.Out, io.ErrOut
	return cmd.Run()
}

package harness

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Holder is a running program that holds the data file mapped for the
// length of a benchmark (cmd/run's hidden "hold" subcommand, which calls
// HoldMapped). It is started before the floor and stopped after the last
// solution, and it is not measured: each run is its own process group,
// which the holder is not part of.
type Holder struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer
	// Ready is the line the holder printed once it held the file.
	Ready string
}

// StartHolder starts c and waits until it prints its first line, its sign
// that the file is held (faulting a file in from disk takes as long as
// reading it). It returns an error, with what the program wrote to
// standard error, when the program exits first. Cancelling ctx kills it.
func StartHolder(ctx context.Context, c Command) (*Holder, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = mergeEnv(cmd.Environ(), c.Env)
	}
	h := &Holder{cmd: cmd, stderr: new(bytes.Buffer)}
	cmd.Stderr = h.stderr
	var err error
	if h.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("harness: holder %s: %w", c.Path, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("harness: holder %s: %w", c.Path, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("harness: holder %s: %w", c.Path, err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		h.stdin.Close()
		werr := cmd.Wait()
		if werr == nil {
			werr = fmt.Errorf("exited without a ready line")
		}
		return nil, fmt.Errorf("harness: holder %s: %w%s", c.Path, werr, h.stderrSuffix())
	}
	h.Ready = strings.TrimSuffix(line, "\n")
	return h, nil
}

// Stop closes the holder's standard input, which tells it to unmap the
// file and exit, and waits for it.
func (h *Holder) Stop() error {
	h.stdin.Close()
	if err := h.cmd.Wait(); err != nil {
		return fmt.Errorf("harness: holder %s: %w%s", h.cmd.Path, err, h.stderrSuffix())
	}
	return nil
}

// stderrSuffix returns ": " and the holder's standard error, trimmed, or
// "" when it wrote none.
func (h *Holder) stderrSuffix() string {
	if s := strings.TrimSpace(h.stderr.String()); s != "" {
		return ": " + s
	}
	return ""
}

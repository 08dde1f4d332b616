package harness

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// MachineConfig returns the configuration keys that describe where a
// benchmark runs: goos, goarch, cpu (the model name from /proc/cpuinfo,
// when there is one), cores (runtime.NumCPU), go (the toolchain version),
// commit (git rev-parse --short HEAD in repo, with "-dirty" when the work
// tree has changes; "unknown" outside git) and host.
func MachineConfig(ctx context.Context, repo string) []Config {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	cfg := []Config{
		{KeyGoos, runtime.GOOS},
		{KeyGoarch, runtime.GOARCH},
	}
	if cpu := cpuModel(); cpu != "" {
		cfg = append(cfg, Config{KeyCPU, cpu})
	}
	return append(cfg,
		Config{KeyCores, strconv.Itoa(runtime.NumCPU())},
		Config{KeyGo, runtime.Version()},
		Config{KeyCommit, Commit(ctx, repo)},
		Config{KeyHost, host},
	)
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

// Commit returns the short hash of the commit checked out in repo, with
// "-dirty" appended when the work tree differs from it, or "unknown" when
// git cannot tell.
func Commit(ctx context.Context, repo string) string {
	out, err := gitOutput(ctx, repo, "rev-parse", "--short", "HEAD")
	if err != nil || len(out) == 0 {
		return "unknown"
	}
	commit := string(bytes.TrimSpace(out))
	if st, err := gitOutput(ctx, repo, "status", "--porcelain", "--untracked-files=no"); err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += "-dirty"
	}
	return commit
}

func gitOutput(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	return cmd.Output()
}

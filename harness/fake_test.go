package harness

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name. On a mismatch it writes
// testdata/name.got-stdout beside the golden (git-ignored), so accepting
// the new output is a mv, or go test -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if string(want) != got {
		gotPath := path + ".got-stdout"
		os.WriteFile(gotPath, []byte(got), 0o644)
		t.Errorf("%s differs from the golden file; got written to %s (go test -update accepts it)\n%s", path, gotPath, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing line of want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return ""
}

// fakeRunner stands in for ProcessRunner: each binary (by base name) has a
// behaviour giving the Measurement of its n-th call (0-based). It records
// every command it is asked to run.
type fakeRunner struct {
	behave map[string]func(call int, c Command) (Measurement, error)
	calls  []Command
	counts map[string]int
}

func (f *fakeRunner) Run(ctx context.Context, c Command) (Measurement, error) {
	if err := ctx.Err(); err != nil {
		return Measurement{}, err
	}
	name := filepath.Base(c.Path)
	if f.counts == nil {
		f.counts = map[string]int{}
	}
	n := f.counts[name]
	f.counts[name]++
	f.calls = append(f.calls, c)
	b, ok := f.behave[name]
	if !ok {
		return Measurement{}, errors.New("fakeRunner: no behaviour for " + name)
	}
	return b(n, c)
}

// answer is the expected output of the fake data file.
const answer = "{Bulawayo=8.9/8.9/8.9, Hamburg=12.0/23.1/34.2}\n"

// fakeData is a Data whose answer is answer.
func fakeData() Data {
	return Data{Path: "data/fake.txt", Size: FileSize{Bytes: 2_000_000_000, Rows: 150_000_000}, Stations: 2, Expected: []byte(answer), ExpectedFrom: "data/fake.out"}
}

// correct answers correctly in the given wall times (the last repeats),
// with CPU time 1.5× the wall and a fixed RSS and anonymous memory.
func correct(walls ...time.Duration) func(int, Command) (Measurement, error) {
	return func(n int, c Command) (Measurement, error) {
		w := walls[min(n, len(walls)-1)]
		return Measurement{Wall: w, User: w * 3 / 2, Sys: w / 10, PeakRSS: 64 << 20, PeakAnon: 12 << 20, Processes: 1, Stdout: []byte(answer)}, nil
	}
}

// interruptedAt answers correctly in a second, but at its n-th call
// (0-based) it cancels the benchmark and reports the run killed, as
// Ctrl-C during that run would.
func interruptedAt(n int, cancel context.CancelFunc) func(int, Command) (Measurement, error) {
	return func(call int, c Command) (Measurement, error) {
		if call == n {
			cancel()
			return Measurement{Wall: time.Second, ExitCode: -1, Signal: "SIGKILL"}, context.Canceled
		}
		return correct(time.Second)(call, c)
	}
}

// ms is a shorthand for milliseconds.
func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

// fakeBuild "builds" a solution into /bin/<name>, failing for those named
// in broken.
func fakeBuild(broken ...string) func(context.Context, Solution) (string, error) {
	return func(_ context.Context, s Solution) (string, error) {
		for _, b := range broken {
			if s.Name == b {
				return "", errors.New("harness: build " + s.Name + ": build failed: exit status 1\n./main.go:3:1: syntax error: non-declaration statement outside function body")
			}
		}
		return "/bin/" + s.Name, nil
	}
}

// sols makes Solutions from names.
func sols(names ...string) []Solution {
	var out []Solution
	for _, n := range names {
		out = append(out, Solution{Name: n, Dir: "/src/" + n})
	}
	return out
}

// fakeConfig is a fixed machine configuration for golden files.
func fakeConfig() []Config {
	return append([]Config{
		{KeyGoos, "linux"}, {KeyGoarch, "amd64"}, {KeyCPU, "AMD EPYC 7B13"}, {KeyCores, "2"},
		{KeyGo, "go1.26.8"}, {KeyCommit, "abc1234"}, {KeyHost, "bench-box"},
	}, append(fakeData().Config(), Config{KeyCommand, "go run ./cmd/run bench --file data/fake.txt"})...)
}

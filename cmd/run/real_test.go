package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onebrc/onebrc/harness"
)

// The real thing on tiny programs: harness/testdata/solutions holds a
// correct solution, a wrong one, one that panics, and one whose answer
// comes from a grandchild that outlives it by 200 ms. Building them takes
// a few seconds; the runs take about a second.
func TestBenchAndVerifyReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four programs")
	}
	sols, err := filepath.Abs("../../harness/testdata/solutions")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "m.txt")
	mustWrite(t, data, "Hamburg;12.0\nBulawayo;8.9\nPalembang;38.8\nHamburg;34.2\nSt. John's;15.2\nCracow;12.6")

	io, out, errOut := testIO()
	code := runMain(context.Background(), io, []string{"bench", "--file", data, "--solutions-dir", sols,
		"--runs", "2", "--warmup", "1", "--no-floor", "--no-hold", "--out", filepath.Join(dir, "results")})
	if code != exitFailed {
		t.Errorf("exit %d, want %d: a solution failed\nstderr:\n%s", code, exitFailed, errOut)
	}
	raw, err := harness.NewestRawFile(filepath.Join(dir, "results"))
	if err != nil {
		t.Fatal(err)
	}
	suite, err := harness.ReadRawFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]harness.Result{}
	for _, r := range suite.Results {
		got[r.Name] = r
	}
	for name, failure := range map[string]string{
		"01-reference":  "",
		"02-wrong":      "warm-up run 1: wrong output: output differs (expected 5 stations, read 5); 5 stations with wrong values",
		"03-crash":      "warm-up run 1: exit status 2: panic: boom",
		"04-grandchild": "",
	} {
		r, ok := got[name]
		switch {
		case !ok:
			t.Errorf("no result for %s", name)
		case failure == "" && (r.Failure != "" || len(r.Runs) != 2):
			t.Errorf("%s: failure %q, %d runs; want a pass with 2 runs", name, r.Failure, len(r.Runs))
		case failure != "" && !strings.HasPrefix(r.Failure, failure):
			t.Errorf("%s: failure %q, want it to start %q", name, r.Failure, failure)
		}
	}
	for _, run := range got["04-grandchild"].Runs {
		if run.Wall.Milliseconds() < 200 {
			t.Errorf("04-grandchild's run took %s: the grandchild's 200 ms are missing", run.Wall)
		}
	}
	if !strings.Contains(out.String(), "01-reference ran") {
		t.Errorf("no summary on stdout:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "results", "leaderboard.svg")); err != nil {
		t.Error(err)
	}

	io, out, errOut = testIO()
	code = runMain(context.Background(), io, []string{"verify", "--solutions-dir", sols, "--solutions", "0[14]-*",
		"../../verify/testdata/one-row.txt", "../../verify/testdata/long-names.txt", data})
	if code != exitOK {
		t.Errorf("verify: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if n := strings.Count(out.String(), "\nok    "); n != 6 || !strings.HasSuffix(out.String(), "all 6 checks passed\n") {
		t.Errorf("verify output:\n%s", out)
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onebrc/onebrc/harness"
)

// TestHoldRun: run hold says it holds the file and returns once its
// standard input is at end of file; a missing file is an error naming it.
func TestHoldRun(t *testing.T) {
	data := filepath.Join(t.TempDir(), "m.txt")
	mustWrite(t, data, "Hamburg;12.0\n")
	io, out, _ := testIO()
	io.In = strings.NewReader("")
	if err := holdRun(io, data); err != nil {
		t.Fatalf("holdRun = %v", err)
	}
	// On Linux the line says how much of the file is mapped in 2 MiB
	// pages: none of a 13-byte file.
	line := strings.TrimSuffix(out.String(), "\n")
	if !strings.HasPrefix(line, "holding "+data+" mapped") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("stdout %q, want one line \"holding %s mapped...\"", out.String(), data)
	}
	if share, ok := harness.ParseHolderReady(line); ok && share != 0 {
		t.Errorf("stdout %q: %v of a 13-byte file in 2 MiB pages", line, share)
	}
	missing := filepath.Join(t.TempDir(), "missing.txt")
	if err := holdRun(io, missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("holdRun(missing) = %v, want an error naming it", err)
	}
}

// TestSelfHoldRefusesTestBinary: from a test binary, selfHold starts
// nothing (the binary would run its tests again instead of holding).
func TestSelfHoldRefusesTestBinary(t *testing.T) {
	stop, _, err := selfHold(context.Background(), "data/measurements.txt")
	if err == nil {
		stop()
		t.Fatal("selfHold started a holder from a test binary")
	}
	if !strings.Contains(err.Error(), "not from a test binary") {
		t.Errorf("selfHold = %v, want the test-binary refusal", err)
	}
}

// TestStartHold: what startHold says about a holder that reports no share
// of 2 MiB pages, a large one, a small one (with the warning), and one
// that does not start.
func TestStartHold(t *testing.T) {
	for _, c := range []struct {
		name  string
		large float64
		err   error
		held  bool
		// recorded is what the raw file records of the share startHold
		// returns.
		recorded string
		want     []string
		notWant  string
	}{
		{"unknown", -1, nil, true, "", []string{"  Holding d.txt mapped until the end (run hold)\n"}, "Warning"},
		{"large", 0.973, nil, true, "97.3%", []string{"  Holding d.txt mapped until the end (run hold), 97.3% of it in 2 MiB pages\n"}, "Warning"},
		{"small", 0.52, nil, true, "52.0%", []string{"52.0% of it in 2 MiB pages\n", "  Warning: only 52% of d.txt is mapped in 2 MiB pages"}, ""},
		{"none", 0, nil, true, "0.0%", []string{"  Warning: only 0% of d.txt"}, ""},
		{"failed", -1, errors.New("no room"), false, "", []string{"  Not holding d.txt mapped: no room\n"}, "Holding"},
	} {
		io, _, errOut := testIO()
		stopped := false
		hold := func(context.Context, string) (func() error, float64, error) {
			if c.err != nil {
				return nil, -1, c.err
			}
			return func() error { stopped = true; return nil }, c.large, nil
		}
		stop, held, large, err := startHold(context.Background(), hold, "d.txt", io.ErrOut, "until the end")
		if err != nil || held != c.held || harness.LargePagesText(large) != c.recorded {
			t.Errorf("%s: startHold = held %v, large pages %v, %v; want held %v, %q", c.name, held, large, err, c.held, c.recorded)
		}
		stop()
		if stopped != c.held {
			t.Errorf("%s: stop let the holder go: %v, want %v", c.name, stopped, c.held)
		}
		got := errOut.String()
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: stderr %q, want it to contain %q", c.name, got, w)
			}
		}
		if c.notWant != "" && strings.Contains(got, c.notWant) {
			t.Errorf("%s: stderr %q contains %q", c.name, got, c.notWant)
		}
	}
}

// TestPageCache: the page-cache key for each way a run can find its data
// file.
func TestPageCache(t *testing.T) {
	for _, c := range []struct {
		fresh, held bool
		want        string
	}{
		{true, true, "fresh, held"},
		{false, true, "held"},
		{true, false, "fresh"},
		{false, false, "as found"},
	} {
		if got := pageCache(c.fresh, c.held); got != c.want {
			t.Errorf("pageCache(fresh=%v, held=%v) = %q, want %q", c.fresh, c.held, got, c.want)
		}
	}
}

// TestDropOtherData: the data files beside the given ones are dropped,
// each directory listed once, and stderr names them; none, nothing said;
// a drop that fails stops it.
func TestDropOtherData(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		mustWrite(t, filepath.Join(dir, n+".txt"), "Hamburg;12.0\n")
		mustWrite(t, filepath.Join(dir, n+".out"), "{Hamburg=12.0/12.0/12.0}\n")
	}
	a, b, c := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"), filepath.Join(dir, "c.txt")
	var dropped []string
	drop := func(p string) error { dropped = append(dropped, p); return nil }
	var errOut bytes.Buffer
	if err := dropOtherData(&errOut, drop, []string{a, c}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dropped, []string{b}) {
		t.Errorf("dropped %q, want %q", dropped, []string{b})
	}
	if want := "Dropping the other data files from the page cache too (--fresh-cache), so that the files read back find free 2 MiB blocks: " + b + "\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
	dropped, errOut = nil, bytes.Buffer{}
	if err := dropOtherData(&errOut, drop, []string{a, b, c}); err != nil || dropped != nil || errOut.Len() != 0 {
		t.Errorf("nothing else beside them: %v, dropped %q, stderr %q", err, dropped, errOut.String())
	}
	boom := errors.New("boom")
	if err := dropOtherData(&errOut, func(string) error { return boom }, []string{a}); !errors.Is(err, boom) {
		t.Errorf("a failed drop: %v, want it returned", err)
	}
}

package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
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
	if want := "holding " + data + " mapped\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	missing := filepath.Join(t.TempDir(), "missing.txt")
	if err := holdRun(io, missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("holdRun(missing) = %v, want an error naming it", err)
	}
}

// TestSelfHoldRefusesTestBinary: from a test binary, selfHold starts
// nothing (the binary would run its tests again instead of holding).
func TestSelfHoldRefusesTestBinary(t *testing.T) {
	stop, err := selfHold(context.Background(), "data/measurements.txt")
	if err == nil {
		stop()
		t.Fatal("selfHold started a holder from a test binary")
	}
	if !strings.Contains(err.Error(), "not from a test binary") {
		t.Errorf("selfHold = %v, want the test-binary refusal", err)
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

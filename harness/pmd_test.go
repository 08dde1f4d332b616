package harness

import (
	"math"
	"testing"
)

// TestPMDShare reads smaps_rollup texts: the holder of a 1 GiB file all in
// 2 MiB pages, half of it, none, a figure past the file's size (capped),
// and texts it cannot read.
func TestPMDShare(t *testing.T) {
	for _, c := range []struct {
		name  string
		text  string
		size  int64
		share float64
		ok    bool
	}{
		{"all", "Rss: 1 kB\nFilePmdMapped:   1048576 kB\n", 1 << 30, 1, true},
		{"half", "FilePmdMapped:    524288 kB\nLocked: 0 kB\n", 1 << 30, 0.5, true},
		{"none", "Rss: 9 kB\nFilePmdMapped:         0 kB\n", 1 << 30, 0, true},
		{"more than the file", "FilePmdMapped:   2097152 kB\n", 1 << 30, 1, true},
		{"no line", "Rss: 9 kB\n", 1 << 30, 0, false},
		{"not kB", "FilePmdMapped:   2 MB\n", 1 << 30, 0, false},
		{"empty file", "FilePmdMapped: 0 kB\n", 0, 0, false},
	} {
		share, ok := PMDShare([]byte(c.text), c.size)
		if ok != c.ok || math.Abs(share-c.share) > 1e-9 {
			t.Errorf("%s: PMDShare = %v, %v; want %v, %v", c.name, share, ok, c.share, c.ok)
		}
	}
}

// TestHolderReady: the ready line of "run hold" with and without a share,
// read back; lines that do not carry one.
func TestHolderReady(t *testing.T) {
	for _, c := range []struct {
		share float64
		ok    bool
		line  string
	}{
		{0.973, true, "holding data/m.txt mapped, 97.3% in 2 MiB pages"},
		{0, true, "holding data/m.txt mapped, 0.0% in 2 MiB pages"},
		{1, true, "holding data/m.txt mapped, 100.0% in 2 MiB pages"},
		{0, false, "holding data/m.txt mapped"},
	} {
		line := HolderReady("data/m.txt", c.share, c.ok)
		if line != c.line {
			t.Errorf("HolderReady(%v, %v) = %q, want %q", c.share, c.ok, line, c.line)
		}
		share, ok := ParseHolderReady(line)
		if ok != c.ok || math.Abs(share-c.share) > 0.0005 {
			t.Errorf("ParseHolderReady(%q) = %v, %v; want %v, %v", line, share, ok, c.share, c.ok)
		}
	}
	for _, line := range []string{"", "holding x mapped, lots in 2 MiB pages", "holding x mapped, 120% in 2 MiB pages", "holding a, b mapped, 5% in pages"} {
		if _, ok := ParseHolderReady(line); ok {
			t.Errorf("ParseHolderReady(%q): ok, want not", line)
		}
	}
}

// TestLargePagesText: the share as the raw files record it, and nothing
// for an unknown one.
func TestLargePagesText(t *testing.T) {
	for _, c := range []struct {
		share float64
		want  string
	}{
		{-1, ""},
		{0, "0.0%"},
		{0.9644, "96.4%"},
		{0.9996, "100.0%"},
		{1, "100.0%"},
	} {
		if got := LargePagesText(c.share); got != c.want {
			t.Errorf("LargePagesText(%v) = %q, want %q", c.share, got, c.want)
		}
	}
}

package harness

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"
)

func sampleSuite() Suite {
	return Suite{
		Config: fakeConfig(),
		Results: []Result{
			{Name: FloorName, Runs: []Run{{Wall: ms(400), User: ms(700), Sys: ms(90), PeakRSS: 9 << 20, PeakAnon: 3 << 20}}},
			{Name: "01-naive", Runs: []Run{{Wall: 361 * time.Second, User: 370 * time.Second, Sys: 3 * time.Second, PeakRSS: 12 << 20}}, FirstRunTimed: true},
			{Name: "02-wrong", Failure: "warm-up run 1: wrong output: output differs (expected 2 stations, read 1)\n  1 missing stations: \"Hamburg\""},
			{Name: "09-mmap-workers", Warmups: 1, Profile: "profiles/09-mmap-workers.pprof", Runs: []Run{
				{Wall: ms(1250), User: ms(2400), Sys: ms(80), PeakRSS: 2 << 30, PeakAnon: 40 << 20},
				{Wall: ms(1230), User: ms(2380), Sys: ms(70), PeakRSS: 2 << 30}, // no sample: no peak-anon-B
			}},
		},
	}
}

// The raw file is the Go benchmark format: benchfmt.Reader reads one
// result per timed run with the configuration and units we wrote, and
// skips the annotation lines.
func TestRawReadByBenchfmt(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRaw(&buf, sampleSuite()); err != nil {
		t.Fatal(err)
	}
	r := benchfmt.NewReader(bytes.NewReader(buf.Bytes()), "raw.txt")
	var names []string
	var anon []float64 // peak-anon-B of each line that has one
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("benchfmt cannot read our file: %v", rec)
		case *benchfmt.Result:
			names = append(names, rec.Name.String())
			if got := rec.GetConfig(KeyCommit); got != "abc1234" {
				t.Errorf("%s: commit %q, want abc1234", rec.Name, got)
			}
			for _, unit := range []string{"sec/op", "B/s", "user-sec/op", "sys-sec/op", "peak-RSS-B"} {
				if _, ok := rec.Value(unit); !ok {
					t.Errorf("%s has no %s", rec.Name, unit)
				}
			}
			if v, ok := rec.Value(UnitPeakAnon); ok {
				anon = append(anon, v)
			}
			if rec.Name.String() == "OneBRC/solution=floor" {
				if v, _ := rec.Value("B/s"); v != 5e9 {
					t.Errorf("floor throughput %v B/s, want 5e9 (2 GB in 400 ms)", v)
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"OneBRC/solution=floor", "OneBRC/solution=01-naive", "OneBRC/solution=09-mmap-workers", "OneBRC/solution=09-mmap-workers"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("benchfmt read %q, want %q", names, want)
	}
	// Only the runs with a PeakAnon have the unit.
	if wantAnon := []float64{3 << 20, 40 << 20}; !reflect.DeepEqual(anon, wantAnon) {
		t.Errorf("benchfmt read peak-anon-B %v, want %v", anon, wantAnon)
	}
}

// A result line written since the harness samples anonymous memory ends
// in peak-anon-B; one written before has no such unit. Both parse, and the
// older one's peak reads as 0, unknown, which the leaderboard and the text
// report show as "—", never as 0 B.
func TestRawPeakAnon(t *testing.T) {
	const head = "goos: linux\nbytes: 2000000000\n\n"
	const before = "BenchmarkOneBRC/solution=22-deferred 1 2e+09 ns/op 1000 MB/s 3e+09 user-ns/op 1e+08 sys-ns/op 4.194304e+08 peak-RSS-B"
	base := Run{Wall: 2 * time.Second, User: 3 * time.Second, Sys: 100 * time.Millisecond, PeakRSS: 400 << 20}
	withAnon := base
	withAnon.PeakAnon = 24 << 20
	tests := []struct {
		line string
		want Run
		cell string
	}{
		{before + " 2.5165824e+07 peak-anon-B", withAnon, "24.0 MiB"},
		{before, base, "—"},
	}
	for _, tt := range tests {
		s, err := ReadRaw(strings.NewReader(head+tt.line+"\n"), "raw.txt")
		if err != nil {
			t.Errorf("ReadRaw(%q) = %v", tt.line, err)
			continue
		}
		if len(s.Results) != 1 || len(s.Results[0].Runs) != 1 || s.Results[0].Runs[0] != tt.want {
			t.Errorf("ReadRaw(%q) = %+v, want one run %+v", tt.line, s.Results, tt.want)
			continue
		}
		rows := Rank(s)
		if got := rowCells(rows[0])[11]; got != tt.cell {
			t.Errorf("peak anon cell of %q = %q, want %q", tt.line, got, tt.cell)
		}
		var md bytes.Buffer
		if err := WriteLeaderboard(&md, s, LeaderboardOptions{}); err != nil {
			t.Fatal(err)
		}
		if want := "| 400.0 MiB | " + tt.cell + " | ✓ |"; !strings.Contains(md.String(), want) {
			t.Errorf("leaderboard of %q has no %q:\n%s", tt.line, want, md.String())
		}
		var text bytes.Buffer
		writeResult(&text, s.Results[0], rows[0].Summary)
		if want := "Peak RSS: 400.0 MiB, Peak anon: " + tt.cell + "]"; !strings.Contains(text.String(), want) {
			t.Errorf("report of %q has no %q:\n%s", tt.line, want, text.String())
		}
		// Written back, the line is the one read (benchfmt keeps the units' order).
		var raw bytes.Buffer
		if err := WriteRaw(&raw, s); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(raw.String(), tt.line+"\n") {
			t.Errorf("WriteRaw of %q wrote\n%s", tt.line, raw.String())
		}
	}
}

func TestRawRoundTrip(t *testing.T) {
	in := sampleSuite()
	var buf bytes.Buffer
	if err := WriteRaw(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadRaw(&buf, "raw.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The failure comes back on one line.
	in.Results[2].Failure = `warm-up run 1: wrong output: output differs (expected 2 stations, read 1); 1 missing stations: "Hamburg"`
	// The writer saves warm-ups of 0 too.
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip changed the suite:\n got %+v\nwant %+v", out, in)
	}
}

func TestRawNoResults(t *testing.T) {
	in := Suite{Config: fakeConfig(), Results: []Result{{Name: "01-broken", Failure: "build failed: syntax error"}}}
	var buf bytes.Buffer
	if err := WriteRaw(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadRaw(&buf, "raw.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip of a suite without results:\n got %+v\nwant %+v", out, in)
	}
}

func TestReadRawErrors(t *testing.T) {
	tests := []struct{ in, err string }{
		{"BenchmarkOther 1 5 ns/op\n", "raw.txt:1: want BenchmarkOneBRC/solution=NAME, got Other"},
		{"BenchmarkOneBRC/solution=01 1 5 MB/s\n", "raw.txt:1: OneBRC/solution=01 has no ns/op"},
		{"BenchmarkOneBRC/solution=01 1 x ns/op\n", "raw.txt:1: parsing measurement: "},
		{"# onebrc solution=01 colour: blue\n", `raw.txt:1: unknown annotation "colour"`},
		{"goos: linux\n# onebrc solution=01 warmups: many\n", "raw.txt:2: warmups: "},
		{"# onebrc solution=01-naive\n", "raw.txt:1: malformed annotation"},
	}
	for _, tt := range tests {
		_, err := ReadRaw(strings.NewReader(tt.in), "raw.txt")
		if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
			t.Errorf("ReadRaw(%q) = %v, want an error starting %q", tt.in, err, tt.err)
		}
	}
}

func TestNewestRawFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewestRawFile(dir); !errors.Is(err, ErrNoRawFile) {
		t.Errorf("empty dir: err = %v, want ErrNoRawFile", err)
	}
	for _, n := range []string{
		RawFileName(time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC), "box"),
		RawFileName(time.Date(2026, 11, 24, 9, 30, 0, 0, time.FixedZone("CET", 3600)), "a/b c"),
		"notes.txt", "leaderboard.md",
	} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := NewestRawFile(dir)
	if want := filepath.Join(dir, "2026-11-24T083000Z-a_b_c.txt"); got != want || err != nil {
		t.Errorf("NewestRawFile = %q, %v; want %q", got, err, want)
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
	"github.com/onebrc/onebrc/verify"
)

func TestFlags(t *testing.T) {
	def := genOptions{Rows: 1_000_000_000, Stations: "classic", Seed: 1, Workers: 0, Out: "data/measurements.txt"}
	for _, tc := range []struct {
		args    string
		want    func(o *genOptions)
		wantErr string // substring of the usage error; "" means success
	}{
		{"", func(o *genOptions) {}, ""},
		{"--rows 1000000000", func(o *genOptions) {}, ""},
		{"--rows 1e9", func(o *genOptions) {}, ""},
		{"--rows 1B", func(o *genOptions) {}, ""},
		{"--rows 10M", func(o *genOptions) { o.Rows = 10_000_000 }, ""},
		{"--rows 1_000_000", func(o *genOptions) { o.Rows = 1_000_000 }, ""},
		{"--rows=250k", func(o *genOptions) { o.Rows = 250_000 }, ""},
		{"--rows 0", func(o *genOptions) { o.Rows = 0 }, ""},
		{"--stations 10k --seed 42 --workers 3 --out x/m.txt --force", func(o *genOptions) {
			o.Stations, o.Seed, o.Workers, o.Out, o.Force = "10k", 42, 3, "x/m.txt", true
		}, ""},
		{"--rows 1.5", nil, `--rows: bad row count "1.5"`},
		{"--rows -3", nil, `--rows: bad row count "-3"`},
		{"--rows lots", nil, `--rows: bad row count "lots"`},
		{"--rows", nil, "flag needs an argument: --rows"},
		{"--stations 5k", nil, `--stations: unknown station set "5k", want classic, 10k or numbered`},
		{"--seed -1", nil, `invalid argument "-1" for "--seed"`},
		{"--workers -1", nil, "--workers: -1 is negative"},
		{"--workers two", nil, `invalid argument "two" for "--workers"`},
		{"--out=", nil, "--out: empty path"},
		{"--bogus", nil, "unknown flag: --bogus"},
		{"data/m.txt", nil, `unexpected argument "data/m.txt"`},
	} {
		t.Run(tc.args, func(t *testing.T) {
			var got *genOptions
			cmd := newCmdGen(ioStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, func(_ context.Context, o *genOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(strings.Fields(tc.args))
			_, err := cmd.ExecuteC()
			if tc.wantErr != "" {
				if _, ok := err.(*flagError); !ok || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("gen %s: error %v (%T), want a usage error containing %q", tc.args, err, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("gen %s: %v", tc.args, err)
			}
			want := def
			tc.want(&want)
			got.IO = ioStreams{}
			if *got != want {
				t.Errorf("gen %s: options %+v, want %+v", tc.args, *got, want)
			}
		})
	}
}

// runGen runs the command as main does and returns the exit status,
// stdout and stderr.
func runGen(ctx context.Context, terminal bool, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(ctx, args, ioStreams{Out: &out, ErrOut: &errOut, ErrIsTerminal: terminal})
	return code, out.String(), errOut.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.txt")
	args := []string{"--rows", "50k", "--stations", "10k", "--seed", "3", "--out", path}

	code, stdout, stderr := runGen(context.Background(), false, args...)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("gen %v: status %d, stdout %q, stderr %q; want 0 and silence", args, code, stdout, stderr)
	}
	want, err := verify.AggregateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "m.out")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("m.out does not hold the answer for m.txt (%v)", err)
	}
	before, _ := os.ReadFile(path)

	code, _, stderr = runGen(context.Background(), false, append(args[:len(args):len(args)], "--seed", "4")...)
	wantMsg := "gen: " + path + " already exists; pass --force to overwrite it (with make: make generate FORCE=1)\n"
	if code != 1 || stderr != wantMsg {
		t.Errorf("second gen: status %d, stderr %q; want 1, %q", code, stderr, wantMsg)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Errorf("refused gen changed the file")
	}

	code, _, stderr = runGen(context.Background(), false, append(args[:len(args):len(args)], "--seed", "4", "--force")...)
	if code != 0 || stderr != "" {
		t.Errorf("gen --force: status %d, stderr %q", code, stderr)
	}
	if after, _ := os.ReadFile(path); bytes.Equal(after, before) {
		t.Errorf("gen --force --seed 4 left the seed 3 file")
	}
}

func TestRunUsageError(t *testing.T) {
	code, stdout, stderr := runGen(context.Background(), false, "--rows", "many")
	want := "gen: --rows: bad row count \"many\": want a whole number like 1000000000, 1e9, 1B, 10M, 250k or 1_000_000\nRun 'gen --help' for usage.\n"
	if code != 2 || stdout != "" || stderr != want {
		t.Errorf("gen --rows many: status %d, stdout %q, stderr %q; want 2, \"\", %q", code, stdout, stderr, want)
	}
}

func TestRunInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.txt")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := runGen(ctx, false, "--rows", "10M", "--out", path)
	if want := "gen: interrupted; " + path + " not written (" + path + ".tmp removed)\n"; code != 130 || stderr != want {
		t.Errorf("interrupted gen: status %d, stderr %q; want 130 and a message naming the file", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("interrupted gen left %v", entries)
	}
}

func TestRunProgressOnTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.txt")
	code, stdout, stderr := runGen(context.Background(), true, "--rows", "300k", "--out", path)
	if code != 0 || stdout != "" {
		t.Fatalf("status %d, stdout %q", code, stdout)
	}
	if !strings.Contains(stderr, "\r") || !strings.Contains(stderr, "rows") || !strings.Contains(stderr, "wrote "+path+" (300k rows, ") {
		t.Errorf("stderr on a terminal: %q, want a progress line and a summary", stderr)
	}
}

func TestRenderProgress(t *testing.T) {
	for _, tc := range []struct {
		p       measurements.Progress
		rows    int64
		elapsed time.Duration
		want    string
	}{
		{measurements.Progress{}, 1e9, 0, "  0% [                        ] 0/1.00B rows  0 B/s  ETA -:--"},
		{measurements.Progress{Rows: 420e6, Bytes: 5_796_000_000}, 1e9, 7 * time.Second,
			" 42% [==========              ] 420M/1.00B rows  828 MB/s  ETA 0:10"},
		{measurements.Progress{Rows: 1e9, Bytes: 13_795_000_000}, 1e9, 3725 * time.Second,
			"100% [========================] 1.00B/1.00B rows  3.70 MB/s  ETA 0:00"},
		{measurements.Progress{Rows: 5, Bytes: 60}, 10, time.Hour,
			" 50% [============            ] 5/10 rows  0 B/s  ETA 1:00:00"},
	} {
		if got := renderProgress(tc.p, tc.rows, tc.elapsed); got != tc.want {
			t.Errorf("renderProgress(%+v, %d, %v) =\n%q, want\n%q", tc.p, tc.rows, tc.elapsed, got, tc.want)
		}
	}
}

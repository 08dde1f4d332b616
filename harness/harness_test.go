package harness

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeTemp(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScanFile(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("Hamburg;12.0\n", 1_000_003) // several 4 MiB chunks, not a multiple
	tests := []struct {
		name, content string
		workers       int
		want          FileSize
	}{
		{"empty", "", 2, FileSize{0, 0}},
		{"one line", "a;1.0\n", 2, FileSize{6, 1}},
		{"no final newline", "a;1.0\nb;2.0", 4, FileSize{11, 2}},
		{"more workers than bytes", "a;1.0\n", 64, FileSize{6, 1}},
		{"many chunks, 1 worker", big, 1, FileSize{int64(len(big)), 1_000_003}},
		{"many chunks, 3 workers", big, 3, FileSize{int64(len(big)), 1_000_003}},
	}
	for _, tt := range tests {
		p := writeTemp(t, dir, strings.ReplaceAll(tt.name, " ", "-")+".txt", tt.content)
		got, err := ScanFile(context.Background(), p, tt.workers)
		if err != nil || got != tt.want {
			t.Errorf("%s: ScanFile = %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
	if _, err := ScanFile(context.Background(), filepath.Join(dir, "missing.txt"), 1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want ErrNotExist", err)
	}
}

func TestLoadData(t *testing.T) {
	dir := t.TempDir()
	with := writeTemp(t, dir, "with.txt", "Hamburg;12.0\nBulawayo;8.9\nHamburg;34.2")
	writeTemp(t, dir, "with.out", answer)
	without := writeTemp(t, dir, "without.txt", "Hamburg;12.0\nBulawayo;8.9\nHamburg;34.2\n")
	bad := writeTemp(t, dir, "bad.txt", "Hamburg;12.0\nBulawayo 8.9\n")

	d, err := LoadData(context.Background(), with)
	if err != nil {
		t.Fatal(err)
	}
	if d.Size != (FileSize{38, 3}) || d.Stations != 2 || string(d.Expected) != answer || d.ExpectedFrom != filepath.Join(dir, "with.out") {
		t.Errorf("LoadData(with .out) = %+v", d)
	}
	d, err = LoadData(context.Background(), without)
	if err != nil {
		t.Fatal(err)
	}
	if string(d.Expected) != answer || d.ExpectedFrom != ReferenceName {
		t.Errorf("LoadData(without .out) expected %q from %q; want the reference's answer", d.Expected, d.ExpectedFrom)
	}
	if _, err := LoadData(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "bad.txt:2: ") {
		t.Errorf("LoadData(bad) = %v, want an error naming bad.txt:2", err)
	}
	if got := ExpectedPath("data/measurements.txt"); got != "data/measurements.out" {
		t.Errorf("ExpectedPath = %q", got)
	}
	if got := ExpectedPath("data/m.csv"); got != "data/m.csv.out" {
		t.Errorf("ExpectedPath = %q", got)
	}
}

func TestSelect(t *testing.T) {
	all := []Solution{{Name: "01-naive"}, {Name: "05-mapreduce"}, {Name: "09-mmap"}, {Name: "duckdb", OwnModule: true}}
	tests := []struct {
		pattern string
		own     bool
		want    []string
		err     bool
	}{
		{"", false, []string{"01-naive", "05-mapreduce", "09-mmap"}, false},
		{"", true, []string{"01-naive", "05-mapreduce", "09-mmap", "duckdb"}, false},
		{"0[5-9]-*", false, []string{"05-mapreduce", "09-mmap"}, false},
		{"duck*", false, []string{"duckdb"}, false}, // named explicitly
		{"[", false, nil, true},
	}
	for _, tt := range tests {
		got, err := Select(all, tt.pattern, tt.own)
		var names []string
		for _, s := range got {
			names = append(names, s.Name)
		}
		if (err != nil) != tt.err || !reflect.DeepEqual(names, tt.want) {
			t.Errorf("Select(%q, %v) = %q, %v; want %q, error %v", tt.pattern, tt.own, names, err, tt.want, tt.err)
		}
	}
}

func TestScaffold(t *testing.T) {
	dir := t.TempDir()
	writeTemp(t, dir, "solutions/08-mmap/main.go", "// Step 08 maps the file.\npackage main\n")
	writeTemp(t, dir, "solutions/08-mmap/README.md", "# 08-mmap\n")
	writeTemp(t, dir, "solutions/08-mmap/default.pgo", "profile")
	writeTemp(t, dir, "solutions/08-mmap/internal/chunk/chunk.go", "package chunk\n")
	writeTemp(t, dir, "solutions/09-workers/main.go", "package main\n")
	writeTemp(t, dir, "solutions/duckdb/main.go", "package main\n")
	sols, err := Discover(filepath.Join(dir, "solutions"))
	if err != nil {
		t.Fatal(err)
	}

	// No results: the highest-numbered step.
	from, why, err := ScaffoldSource(sols, filepath.Join(dir, "results"))
	if err != nil || from.Name != "09-workers" || !strings.Contains(why, "highest-numbered") {
		t.Errorf("ScaffoldSource without results = %s (%s), %v; want 09-workers", from.Name, why, err)
	}
	// With results: the fastest passing step (duckdb is not a step).
	s := Suite{Config: fakeConfig(), Results: []Result{
		{Name: "08-mmap", Runs: runs(2)}, {Name: "09-workers", Runs: runs(3)}, {Name: "duckdb", Runs: runs(1)}, {Name: "10-gone", Runs: runs(0.5)},
	}}
	raw := filepath.Join(dir, "results", RawFileName(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), "box"))
	if err := SaveRaw(raw, s); err != nil {
		t.Fatal(err)
	}
	from, why, err = ScaffoldSource(sols, filepath.Join(dir, "results"))
	if err != nil || from.Name != "08-mmap" || !strings.Contains(why, "fastest") {
		t.Errorf("ScaffoldSource with results = %s (%s), %v; want 08-mmap", from.Name, why, err)
	}

	got, err := Scaffold(filepath.Join(dir, "solutions"), "12-simd-scan", from)
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"main.go":                 "// Step 08 maps the file.\npackage main\n",
		"internal/chunk/chunk.go": "package chunk\n",
	} {
		b, err := os.ReadFile(filepath.Join(got, file))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want a copy", file, b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(got, "default.pgo")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("default.pgo copied: it belongs to the old step's profile")
	}
	readme, _ := os.ReadFile(filepath.Join(got, "README.md"))
	for _, want := range []string{"# 12-simd-scan", "Step 12:", "Changed from 08-mmap", "make diff STEP=12", "**Why:**", "**Measured:**"} {
		if !bytes.Contains(readme, []byte(want)) {
			t.Errorf("README stub lacks %q:\n%s", want, readme)
		}
	}
	if _, err := Scaffold(filepath.Join(dir, "solutions"), "12-simd-scan", from); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second Scaffold = %v, want already exists", err)
	}
	for _, bad := range []string{"simd", "12_simd", "1-x", "12-Simd", "12-", "../12-x"} {
		if _, err := Scaffold(filepath.Join(dir, "solutions"), bad, from); !errors.Is(err, ErrBadStepName) {
			t.Errorf("Scaffold(%q) = %v, want ErrBadStepName", bad, err)
		}
	}
	// Nothing left behind by the failed attempts.
	ents, _ := os.ReadDir(filepath.Join(dir, "solutions"))
	if len(ents) != 4 {
		t.Errorf("solutions/ holds %d entries, want 4", len(ents))
	}
}

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	f1 := writeTemp(t, dir, "a.txt", "Hamburg;12.0\nBulawayo;8.9\nHamburg;34.2\n")
	writeTemp(t, dir, "a.out", answer)
	f2 := writeTemp(t, dir, "b.txt", "X;1.0\n")
	r := &fakeRunner{behave: map[string]func(int, Command) (Measurement, error){
		"01-naive": func(_ int, c Command) (Measurement, error) {
			if c.Args[0] == f2 {
				return Measurement{Stdout: []byte("{X=1.0/1.0/1.0}\n")}, nil
			}
			return Measurement{Stdout: []byte(answer)}, nil
		},
		"02-wrong": func(int, Command) (Measurement, error) { return Measurement{Stdout: []byte("{X=1.0/1.0/1.0}")}, nil },
	}}
	var seen []string
	checks, err := Verify(context.Background(), VerifyOptions{
		Solutions: sols("01-naive", "02-wrong", "03-broken"), Files: []string{f1, f2}, Runner: r, Build: fakeBuild("03-broken"),
		Progress: func(c Check) { seen = append(seen, c.Solution) },
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, c := range checks {
		c.File = filepath.Base(c.File)
		WriteCheck(&out, c)
	}
	golden(t, "verify.golden", out.String())
	if len(seen) != 6 {
		t.Errorf("Progress saw %d checks, want 6", len(seen))
	}
	if r.counts["01-naive"] != 2 || r.counts["03-broken"] != 0 {
		t.Errorf("runs %v: want each built solution once per file", r.counts)
	}
}

func TestRenderLeaderboardFiles(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, RawFileName(time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC), "bench-box"))
	if err := SaveRaw(raw, sampleSuite()); err != nil {
		t.Fatal(err)
	}
	if err := RenderLeaderboard(dir, raw); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, LeaderboardFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"[2026-11-24T093000Z-bench-box.txt](2026-11-24T093000Z-bench-box.txt)",
		"![Median wall time per solution, log scale](leaderboard.svg)",
		"[pprof](profiles/09-mmap-workers.pprof)",
	} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("leaderboard.md lacks %q", want)
		}
	}
	svg, err := os.ReadFile(filepath.Join(dir, ChartFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "01-naive", "09-mmap-workers", "floor (read every byte)", "1.240 s", "seconds (log scale)"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if bytes.Contains(svg, []byte("02-wrong")) {
		t.Errorf("chart has a bar for the failed 02-wrong")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		t.Errorf("dir holds %d files, want raw, leaderboard and chart (no temporaries)", len(ents))
	}
}

func TestChartWithoutPassingSolution(t *testing.T) {
	var b bytes.Buffer
	s := Suite{Results: []Result{{Name: "01-naive", Failure: "build failed"}}}
	if err := WriteChart(&b, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("no passing solution")) {
		t.Errorf("chart of failures only does not say so")
	}
}

// TestDiscoverBuildEnv checks the //onebrc:env lines: read from the
// non-test files in order, refused for variables outside buildEnvVars or
// without '=', and ignored in tests and comments that do not start a line.
func TestDiscoverBuildEnv(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
		err   string
	}{
		{"none", map[string]string{"main.go": "package main\n"}, nil, ""},
		{"one", map[string]string{"main.go": "// Step.\n//\n//onebrc:env GOEXPERIMENT=simd\npackage main\n"}, []string{"GOEXPERIMENT=simd"}, ""},
		{"several", map[string]string{
			"a.go":      "//onebrc:env GOAMD64=v3 CGO_ENABLED=0\npackage main\n",
			"b.go":      "package main\n\n//onebrc:env GOEXPERIMENT=simd\n",
			"x_test.go": "//onebrc:env GOAMD64=v4\npackage main\n",
		}, []string{"GOAMD64=v3", "CGO_ENABLED=0", "GOEXPERIMENT=simd"}, ""},
		{"not at line start", map[string]string{"main.go": "package main\n\n// see //onebrc:env GOAMD64=v3\n"}, nil, ""},
		{"other variable", map[string]string{"main.go": "//onebrc:env GOFLAGS=-race\npackage main\n"}, nil, `main.go:1: "GOFLAGS=-race"`},
		{"no value", map[string]string{"main.go": "package main\n//onebrc:env GOAMD64\n"}, nil, `main.go:2: "GOAMD64"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range tt.files {
				writeTemp(t, dir, "solutions/13-x/"+name, src)
			}
			sols, err := Discover(filepath.Join(dir, "solutions"))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Discover = %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil || len(sols) != 1 {
				t.Fatalf("Discover = %v, %v; want one solution", sols, err)
			}
			if !reflect.DeepEqual(sols[0].Env, tt.want) {
				t.Errorf("Env = %q, want %q", sols[0].Env, tt.want)
			}
		})
	}
}

// TestBuildEnv builds a solution whose //onebrc:env line picks the file it
// is built from, and runs it.
func TestBuildEnv(t *testing.T) {
	dir := t.TempDir()
	writeTemp(t, dir, "solutions/env/go.mod", "module env\n\ngo 1.26\n")
	writeTemp(t, dir, "solutions/env/main.go", "//onebrc:env GOEXPERIMENT=simd\npackage main\n\nfunc main() { println(variant) }\n")
	writeTemp(t, dir, "solutions/env/simd.go", "//go:build goexperiment.simd\n\npackage main\n\nconst variant = \"simd\"\n")
	writeTemp(t, dir, "solutions/env/plain.go", "//go:build !goexperiment.simd\n\npackage main\n\nconst variant = \"plain\"\n")
	sols, err := Discover(filepath.Join(dir, "solutions"))
	if err != nil || len(sols) != 1 {
		t.Fatalf("Discover = %v, %v", sols, err)
	}
	bin, err := Build(context.Background(), sols[0], t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil || string(out) != "simd\n" {
		t.Errorf("built with %q, the binary printed %q (%v), want \"simd\\n\"", sols[0].Env, out, err)
	}
}

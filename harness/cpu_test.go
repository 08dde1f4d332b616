package harness

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestCheckCPU(t *testing.T) {
	tests := []struct {
		name  string
		env   []string
		level int
		err   bool
	}{
		{"no settings", nil, 1, false},
		{"no GOAMD64", []string{"GOEXPERIMENT=simd"}, 1, false},
		{"level met", []string{"GOEXPERIMENT=simd", "GOAMD64=v3"}, 3, false},
		{"level above", []string{"GOAMD64=v3"}, 2, true},
		{"v4 on a v3 CPU", []string{"GOAMD64=v4"}, 3, true},
		{"v1 anywhere", []string{"GOAMD64=v1"}, 1, false},
		{"last setting wins", []string{"GOAMD64=v4", "GOAMD64=v2"}, 2, false},
		{"last setting wins, above", []string{"GOAMD64=v2", "GOAMD64=v4"}, 3, true},
		{"no level: left to go", []string{"GOAMD64=v9"}, 1, false},
		{"other variable named alike", []string{"XGOAMD64=v4"}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCPU(tt.env, tt.level)
			if got := errors.Is(err, ErrCPU); got != tt.err || (err != nil && !got) {
				t.Errorf("checkCPU(%q, %d) = %v, want ErrCPU: %v", tt.env, tt.level, err, tt.err)
			}
		})
	}
}

// TestBuildCPU builds a solution for the highest GOAMD64 level this CPU
// runs and runs it, and has Build refuse one level more, if there is one.
func TestBuildCPU(t *testing.T) {
	level := hostLevel()
	if level < 1 || level > 4 {
		t.Fatalf("hostLevel() = %d, want 1 to 4", level)
	}
	for _, lv := range []int{level, level + 1} {
		if lv > 4 {
			t.Logf("this CPU runs x86-64-v4: no level above it to refuse")
			continue
		}
		dir := t.TempDir()
		writeTemp(t, dir, "solutions/lv/go.mod", "module lv\n\ngo 1.26\n")
		writeTemp(t, dir, "solutions/lv/main.go", fmt.Sprintf("//onebrc:env GOAMD64=v%d\npackage main\n\nfunc main() { println(\"ran\") }\n", lv))
		sols, err := Discover(filepath.Join(dir, "solutions"))
		if err != nil || len(sols) != 1 {
			t.Fatalf("Discover = %v, %v", sols, err)
		}
		bin, err := Build(context.Background(), sols[0], t.TempDir())
		if lv > level {
			if !errors.Is(err, ErrCPU) {
				t.Errorf("Build of a GOAMD64=v%d solution on a v%d CPU = %q, %v; want ErrCPU", lv, level, bin, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin).CombinedOutput(); err != nil || string(out) != "ran\n" {
			t.Errorf("the GOAMD64=v%d build printed %q (%v), want \"ran\\n\"", lv, out, err)
		}
	}
}

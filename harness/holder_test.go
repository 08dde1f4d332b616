package harness

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartHolder runs small shell scripts as holders: StartHolder returns
// once the ready line is out and not before, Stop ends the holder by
// closing its standard input, and a holder that fails says why.
func TestStartHolder(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	mark := filepath.Join(t.TempDir(), "stopped")
	script := func(s string) Command { return Command{Path: sh, Args: []string{"-c", s}} }

	h, err := StartHolder(context.Background(), script(`echo "holding m.txt"; cat >/dev/null; echo done >`+mark))
	if err != nil {
		t.Fatal(err)
	}
	if h.Ready != "holding m.txt" {
		t.Errorf("Ready = %q, want %q", h.Ready, "holding m.txt")
	}
	if _, err := os.Stat(mark); err == nil {
		t.Error("the holder went past its wait before Stop")
	}
	if err := h.Stop(); err != nil {
		t.Errorf("Stop = %v", err)
	}
	if _, err := os.Stat(mark); err != nil {
		t.Errorf("after Stop the holder had not finished: %v", err)
	}

	for _, tt := range []struct {
		script, start, stop string
	}{
		{script: `echo "hold: open m.txt: no such file" >&2; exit 3`, start: "exit status 3: hold: open m.txt: no such file"},
		{script: `exit 0`, start: "exited without a ready line"},
		{script: `echo ready; cat >/dev/null; echo "munmap failed" >&2; exit 4`, stop: "exit status 4: munmap failed"},
	} {
		h, err := StartHolder(context.Background(), script(tt.script))
		if tt.start != "" {
			if err == nil || !strings.HasSuffix(err.Error(), tt.start) {
				t.Errorf("%s: StartHolder = %v, want an error ending %q", tt.script, err, tt.start)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: StartHolder = %v", tt.script, err)
		}
		if err := h.Stop(); err == nil || !strings.HasSuffix(err.Error(), tt.stop) {
			t.Errorf("%s: Stop = %v, want an error ending %q", tt.script, err, tt.stop)
		}
	}
}

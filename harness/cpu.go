package harness

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/sys/cpu"
)

// ErrCPU is wrapped by the errors Build returns for a solution whose build
// settings ask for instructions this CPU lacks (a GOAMD64 level above the
// CPU's): such a binary only prints that it cannot run here and exits.
var ErrCPU = errors.New("this CPU lacks the instructions it is built for")

// checkCPU reports an error wrapping ErrCPU when env (KEY=VALUE settings,
// the last of a key winning, as in a build) sets GOAMD64 to a level above
// level, the highest this CPU runs. A value that names no level (v1 to
// v4) is left to the go command to refuse.
func checkCPU(env []string, level int) error {
	var want string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOAMD64="); ok {
			want = v
		}
	}
	n, ok := map[string]int{"v1": 1, "v2": 2, "v3": 3, "v4": 4}[want]
	if ok && n > level {
		return fmt.Errorf("GOAMD64=%s, and this CPU runs x86-64-v%d at most: %w", want, level, ErrCPU)
	}
	return nil
}

// hostLevel returns the highest x86-64 microarchitecture level (1 to 4)
// whose instructions this CPU has, by the lists of the x86-64 psABI (the
// Go runtime checks them before it starts a GOAMD64 build), or 4 when this
// is no amd64 machine (a GOAMD64 setting does not apply there).
func hostLevel() int {
	if runtime.GOARCH != "amd64" {
		return 4
	}
	x := cpu.X86
	levels := [][]bool{
		// x86-64-v2
		{x.HasCX16, x.HasLAHF, x.HasPOPCNT, x.HasSSE3, x.HasSSE41, x.HasSSE42, x.HasSSSE3},
		// x86-64-v3
		{x.HasAVX, x.HasAVX2, x.HasBMI1, x.HasBMI2, x.HasF16C, x.HasFMA, x.HasLZCNT, x.HasMOVBE, x.HasOSXSAVE},
		// x86-64-v4
		{x.HasAVX512F, x.HasAVX512BW, x.HasAVX512CD, x.HasAVX512DQ, x.HasAVX512VL},
	}
	level := 1
	for _, feats := range levels {
		for _, ok := range feats {
			if !ok {
				return level
			}
		}
		level++
	}
	return level
}

//go:build linux

package harness

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The real pin on a real program: the program, its child and their
// threads get the first CPU only and GOMAXPROCS=1 (overriding the
// harness's own), and the harness's thread gets its CPUs back.
func TestPinCPUsReal(t *testing.T) {
	t.Setenv("GOMAXPROCS", "7")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var before unix.CPUSet
	if err := unix.SchedGetaffinity(0, &before); err != nil {
		t.Fatal(err)
	}
	first := -1
	for cpu := 0; first < 0 && cpu < 1024; cpu++ {
		if before.IsSet(cpu) {
			first = cpu
		}
	}
	// The grandchild (sh's subshell) reports its own mask.
	m, err := OnCores(newRunner(t), 1, PinCPUs).Run(context.Background(),
		sh(`echo "GOMAXPROCS=$GOMAXPROCS"; (grep Cpus_allowed_list /proc/self/status)`))
	if err != nil || m.Failure() != "" {
		t.Fatalf("run: %v, %s", err, m.Failure())
	}
	want := fmt.Sprintf("GOMAXPROCS=1\nCpus_allowed_list:\t%d\n", first)
	if string(m.Stdout) != want {
		t.Errorf("the program saw %q, want %q", m.Stdout, want)
	}
	var after unix.CPUSet
	if err := unix.SchedGetaffinity(0, &after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("the harness's thread has %d CPUs after the run, %d before", after.Count(), before.Count())
	}

	// Every CPU: the program's mask is the harness's.
	n := before.Count()
	m, err = OnCores(newRunner(t), n, PinCPUs).Run(context.Background(), sh(`nproc`))
	if err != nil || strings.TrimSpace(string(m.Stdout)) != fmt.Sprint(n) {
		t.Errorf("on %d cores nproc printed %q, %v", n, m.Stdout, err)
	}
	if _, err := PinCPUs(n + 1); err == nil || !strings.Contains(err.Error(), "CPUs available") {
		t.Errorf("PinCPUs(%d) with %d CPUs = %v, want an error", n+1, n, err)
	}
}

func TestFirstCPUs(t *testing.T) {
	var mask unix.CPUSet
	for _, c := range []int{2, 3, 5, 64, 70} {
		mask.Set(c)
	}
	tests := []struct {
		n    int
		want []int
		ok   bool
	}{
		{1, []int{2}, true},
		{3, []int{2, 3, 5}, true},
		{5, []int{2, 3, 5, 64, 70}, true},
		{6, nil, false},
		{0, nil, false},
	}
	for _, tt := range tests {
		set, ok := firstCPUs(&mask, tt.n)
		var got []int
		for c := 0; c < 1024; c++ {
			if set.IsSet(c) {
				got = append(got, c)
			}
		}
		if ok != tt.ok || (ok && fmt.Sprint(got) != fmt.Sprint(tt.want)) {
			t.Errorf("firstCPUs(%d) = %v, %v; want %v, %v", tt.n, got, ok, tt.want, tt.ok)
		}
	}
}

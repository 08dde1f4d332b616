//go:build linux

package harness

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// PinCPUs is the PinFunc of "run scale" on Linux. It locks the calling
// goroutine to its OS thread (runtime.LockOSThread) and sets that
// thread's CPU affinity (sched_setaffinity) to the first cores CPUs of
// its current affinity mask, in the kernel's numbering. A program the
// goroutine then starts with fork and exec (ProcessRunner) inherits the
// mask, and so do its threads and children. restore puts the thread's
// mask back and unlocks it.
//
// Only the locked thread is confined: the Go runtime creates new threads
// from a clean template thread when the creating one is locked, and the
// harness's other threads (such as the one copying the program's output)
// keep every CPU. The CPUs are logical ones; on a machine with SMT the
// first two may be hardware threads of one physical core.
func PinCPUs(cores int) (restore func(), err error) {
	runtime.LockOSThread()
	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("harness: sched_getaffinity: %w", err)
	}
	set, ok := firstCPUs(&old, cores)
	if !ok {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("harness: %d cores asked for, only %d CPUs available", cores, old.Count())
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("harness: sched_setaffinity: %w", err)
	}
	return func() {
		if err := unix.SchedSetaffinity(0, &old); err != nil {
			// Keep the thread locked: no other goroutine may run on a
			// confined thread. It ends with its goroutine.
			return
		}
		runtime.UnlockOSThread()
	}, nil
}

// firstCPUs returns the set of the first n CPUs in mask, and false when
// mask has fewer than n (or n < 1).
func firstCPUs(mask *unix.CPUSet, n int) (unix.CPUSet, bool) {
	var set unix.CPUSet
	if n < 1 {
		return set, false
	}
	for cpu, k := 0, 0; cpu < len(mask)*64 && k < n; cpu++ {
		if mask.IsSet(cpu) {
			set.Set(cpu)
			k++
		}
	}
	return set, set.Count() == n
}

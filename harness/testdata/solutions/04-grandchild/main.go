// Command 04-grandchild answers correctly through a child process that
// outlives it: it starts 01-reference's logic in a copy of itself, which
// sleeps 200 ms after printing the answer. The harness must wait for the
// grandchild to count its time.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/onebrc/onebrc/verify"
)

func main() {
	if os.Getenv("GRANDCHILD") == "1" {
		out, err := verify.AggregateFile(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Stdout.Write(out)
		time.Sleep(200 * time.Millisecond)
		return
	}
	cmd := exec.Command(os.Args[0], os.Args[1])
	cmd.Env = append(os.Environ(), "GRANDCHILD=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Exit without waiting: the child is re-parented to the harness.
}

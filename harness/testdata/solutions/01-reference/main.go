// Command 01-reference answers with verify's reference aggregator: the
// harness tests' correct solution.
package main

import (
	"fmt"
	"os"

	"github.com/onebrc/onebrc/verify"
)

func main() {
	out, err := verify.AggregateFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}

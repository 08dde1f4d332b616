// Command 02-wrong answers with every maximum one tenth too high: the
// harness tests' planted wrong solution.
package main

import (
	"fmt"
	"os"

	"github.com/onebrc/onebrc/verify"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stations, err := verify.Aggregate(f, os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for i := range stations {
		stations[i].Stats.Max++
	}
	os.Stdout.Write(verify.Format(stations))
}

// Package harness builds, runs, times, verifies and ranks the solutions
// under solutions/.
//
// Discover finds the steps, Build compiles each one once, and the runner
// executes each binary as its own process, timing the whole process tree,
// checking every output with package verify, and recording the results in
// Go benchmark format.
package harness

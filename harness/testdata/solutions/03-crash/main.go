// Command 03-crash panics: the harness tests' crashing solution.
package main

func main() {
	panic("boom")
}

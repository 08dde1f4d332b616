package solutions_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
	"github.com/onebrc/onebrc/verify"
)

// generatedRows is the size of each generated file: big enough that every
// worker of a parallel step gets several chunks' worth of lines at
// GOMAXPROCS=4 and that all 10,000 names of the 10k set appear, small
// enough that the slowest steps finish the whole suite in seconds on CI's
// two cores.
const generatedRows = 200_000

// generatedCases writes files from the generator into dir and returns them
// with the generator's answers: the classic 413 stations, the 10k set, and
// the classic file without its final '\n'.
func generatedCases(t *testing.T, dir string) []validCase {
	t.Helper()
	var cases []validCase
	for _, opts := range []measurements.Options{
		{Rows: generatedRows, Stations: measurements.Classic, Seed: 1},
		{Rows: generatedRows, Stations: measurements.TenK, Seed: 2},
	} {
		name := "generated-" + opts.Stations
		path := filepath.Join(dir, name+".txt")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		want, err := measurements.Write(t.Context(), w, opts)
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatalf("generating %s: %v", path, err)
		}
		// The generator's answer is what the solutions are held to; check
		// it against the reference first, so a generator bug is reported
		// as one and not as every solution being wrong.
		ref, err := verify.AggregateFile(path)
		if err != nil {
			t.Fatalf("generated file %s: %v", path, err)
		}
		if !bytes.Equal(ref, want) {
			r, _ := verify.Compare(ref, want)
			t.Fatalf("generator's answer for %s differs from verify.AggregateFile's: %s", path, r)
		}
		cases = append(cases, validCase{name: name, path: path, want: want})
	}

	// The classic file without its final '\n': the last line of a big file
	// lands in the last chunk of a parallel step.
	data, err := os.ReadFile(cases[0].path)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, writeValid(t, dir, "generated-classic-no-final-newline", string(bytes.TrimSuffix(data, []byte("\n")))))
	return cases
}

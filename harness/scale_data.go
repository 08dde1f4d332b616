package harness

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
)

// DefaultDataFile is the Makefile's default data file (1e9 rows of the
// classic stations, seed 1), relative to the data directory.
const DefaultDataFile = "measurements.txt"

// ScaleDataFile returns the data file "run scale" uses for rows rows of
// the station set stations generated with seed, in dir:
// dir/measurements-<rows>-<stations>-seed<seed>.txt with rows as a plain
// integer, such as data/measurements-10000000-classic-seed1.txt. That is
// the Makefile's name for the file when ROWS is given as a plain integer
// (make bench ROWS=10000000). For 1e9 rows of the classic stations with
// seed 1 it is dir/measurements.txt, the Makefile's default file, when
// that file and its .out both exist.
func ScaleDataFile(dir string, rows int64, stations string, seed uint64) string {
	if rows == 1_000_000_000 && stations == measurements.Classic && seed == 1 {
		def := filepath.Join(dir, DefaultDataFile)
		if exists(def) && exists(ExpectedPath(def)) {
			return def
		}
	}
	return filepath.Join(dir, fmt.Sprintf("measurements-%d-%s-seed%d.txt", rows, stations, seed))
}

// exists reports whether path names an existing file.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// LoadScaleData returns the Data (see LoadData) of ScaleDataFile(dir,
// rows, stations, seed). When the file does not exist it first writes it
// and its .out with measurements.WriteFile, after calling generating (if
// not nil) with the path and the expected size in bytes. An existing file
// is reused as it is, and must hold rows rows; with fresh it is read with
// LoadFreshData (dropped from the page cache first), while a file written
// here is read as the write left it.
func LoadScaleData(ctx context.Context, dir string, rows int64, stations string, seed uint64, fresh bool, generating func(path string, bytes int64)) (Data, error) {
	path := ScaleDataFile(dir, rows, stations, seed)
	load := LoadData
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		opts := measurements.Options{Rows: rows, Stations: stations, Seed: seed}
		size, err := measurements.EstimateBytes(opts)
		if err != nil {
			return Data{}, fmt.Errorf("harness: generate %s: %w", path, err)
		}
		if generating != nil {
			generating(path, size)
		}
		if err := measurements.WriteFile(ctx, path, opts, false); err != nil {
			return Data{}, fmt.Errorf("harness: generate %s: %w", path, err)
		}
	} else if err != nil {
		return Data{}, fmt.Errorf("harness: %w", err)
	} else if fresh {
		load = LoadFreshData
	}
	data, err := load(ctx, path)
	if err != nil {
		return Data{}, err
	}
	if data.Size.Rows != rows {
		return Data{}, fmt.Errorf("harness: %s holds %d rows, not %d: remove it, or use another data directory", path, data.Size.Rows, rows)
	}
	return data, nil
}

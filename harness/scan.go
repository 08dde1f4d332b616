package harness

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// FileSize describes a measurements file as the harness records it.
type FileSize struct {
	Bytes int64 // size of the file
	Rows  int64 // lines, counting a last line without '\n'
}

// scanChunk is how much each ScanFile worker reads at a time.
const scanChunk = 1 << 20

// ScanFile reads every byte of the file at path with workers goroutines
// (runtime.NumCPU() when workers < 1), each reading its own contiguous
// part with pread into its own buffer, and counts the lines. It is both
// how the harness learns the row count and the floor the leaderboard
// shows: no solution can answer faster than its own machine reads the
// file.
func ScanFile(ctx context.Context, path string, workers int) (FileSize, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileSize{}, fmt.Errorf("harness: scan: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return FileSize{}, fmt.Errorf("harness: scan: %w", err)
	}
	size := st.Size()
	if workers < 1 {
		workers = runtime.NumCPU()
	}
	part := (size + int64(workers) - 1) / int64(workers)
	part = (part + scanChunk - 1) / scanChunk * scanChunk
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		newlines int64
		firstErr error
	)
	for off := int64(0); off < size; off += part {
		end := min(off+part, size)
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := countNewlines(ctx, f, off, end)
			mu.Lock()
			defer mu.Unlock()
			newlines += n
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("harness: scan %s at byte %d: %w", path, off, err)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return FileSize{}, firstErr
	}
	rows := newlines
	if size > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, size-1); err != nil {
			return FileSize{}, fmt.Errorf("harness: scan %s: %w", path, err)
		}
		if last[0] != '\n' {
			rows++
		}
	}
	return FileSize{Bytes: size, Rows: rows}, nil
}

// countNewlines counts '\n' in f[off:end].
func countNewlines(ctx context.Context, f *os.File, off, end int64) (int64, error) {
	buf := make([]byte, scanChunk)
	var n int64
	for off < end {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		b := buf[:min(int64(len(buf)), end-off)]
		k, err := f.ReadAt(b, off)
		n += int64(bytes.Count(b[:k], []byte{'\n'}))
		off += int64(k)
		if err != nil && (err != io.EOF || off < end) {
			return n, err
		}
	}
	return n, nil
}

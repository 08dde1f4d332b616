package measurements

import (
	"context"
	"io"
	"testing"
)

// BenchmarkRows measures the per-row path on one core: filling one block of
// BlockRows rows (station choice, value draw, formatting, aggregates).
// Report: ns/op per block, MB/s of output, rows/s.
func BenchmarkRows(b *testing.B) {
	for _, set := range []string{Classic, TenK} {
		b.Run(set, func(b *testing.B) {
			g, err := newGenerator(Options{Rows: BlockRows, Stations: set, Seed: 1, Workers: 1})
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 0, g.bufSize())
			stats := g.newStats()
			buf = g.fill(buf, 0, BlockRows, stats)
			b.SetBytes(int64(len(buf)))
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				buf = g.fill(buf[:0], int64(i), BlockRows, stats)
			}
			b.ReportMetric(float64(b.N)*BlockRows/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkWrite measures Write to io.Discard with all cores: building the
// tables, generating and taking turns to write 16.7M rows, without the
// kernel's write path.
func BenchmarkWrite(b *testing.B) {
	for _, set := range []string{Classic, TenK} {
		b.Run(set, func(b *testing.B) {
			const rows = 256 * BlockRows
			opts := Options{Rows: rows, Stations: set, Seed: 1}
			size, err := EstimateBytes(opts)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			for b.Loop() {
				if _, err := Write(context.Background(), io.Discard, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*rows/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkSetup measures building a station set's tables.
func BenchmarkSetup(b *testing.B) {
	for _, set := range []string{Classic, TenK} {
		b.Run(set, func(b *testing.B) {
			for b.Loop() {
				if _, err := newGenerator(Options{Rows: 1, Stations: set, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

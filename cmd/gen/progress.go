package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/onebrc/onebrc/cmd/gen/measurements"
)

// progressBar draws one self-overwriting line on a terminal: percentage,
// bar, rows, throughput and ETA, at most every refresh.
type progressBar struct {
	w        io.Writer
	rows     int64 // total rows
	size     int64 // expected bytes
	start    time.Time
	last     time.Time
	p        measurements.Progress
	drawn    bool
	interval time.Duration
}

const barWidth = 24

func newProgressBar(w io.Writer, rows, size int64, start time.Time) *progressBar {
	return &progressBar{w: w, rows: rows, size: size, start: start, interval: 200 * time.Millisecond}
}

// update records p and redraws the line if the last draw is old enough.
func (b *progressBar) update(p measurements.Progress, now time.Time) {
	b.p = p
	if b.drawn && now.Sub(b.last) < b.interval {
		return
	}
	b.last, b.drawn = now, true
	fmt.Fprintf(b.w, "\r%s\x1b[K", renderProgress(p, b.rows, now.Sub(b.start)))
}

// clear erases the line.
func (b *progressBar) clear() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}

// done prints the one-line summary.
func (b *progressBar) done(path, out string, now time.Time) {
	el := now.Sub(b.start)
	fmt.Fprintf(b.w, "wrote %s (%s rows, %s) and %s in %s, %s/s\n", path, formatCount(b.p.Rows),
		measurements.FormatBytes(b.p.Bytes), out, el.Round(100*time.Millisecond), measurements.FormatBytes(rate(b.p.Bytes, el)))
}

// renderProgress formats the progress line, e.g.
// " 42% [==========              ] 420M/1.00B rows  612 MB/s  ETA 0:21".
func renderProgress(p measurements.Progress, rows int64, elapsed time.Duration) string {
	frac := 1.0
	if rows > 0 {
		frac = float64(p.Rows) / float64(rows)
	}
	fill := int(frac * barWidth)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", barWidth-fill)
	eta := "ETA -:--"
	if p.Rows > 0 && elapsed > 0 {
		left := time.Duration(float64(elapsed) * (1/frac - 1))
		eta = "ETA " + formatClock(left)
	}
	return fmt.Sprintf("%3d%% [%s] %s/%s rows  %s/s  %s", int(frac*100), bar,
		formatCount(p.Rows), formatCount(rows), measurements.FormatBytes(rate(p.Bytes, elapsed)), eta)
}

func rate(n int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(n) / d.Seconds())
}

// formatCount formats a row count with three significant digits: 999,
// 1.00k, 420M, 1.00B.
func formatCount(n int64) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	s := measurements.FormatBytes(n) // "1.00 kB", "420 MB", "1.00 GB"
	s = strings.TrimSuffix(strings.ReplaceAll(s, " ", ""), "B")
	return strings.Replace(s, "G", "B", 1)
}

// formatClock formats d as m:ss or h:mm:ss.
func formatClock(d time.Duration) string {
	s := int64(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

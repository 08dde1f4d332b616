package harness

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barColor is the chart colour of a kind of row.
func barColor(k Kind) color.Color {
	switch k {
	case KindStep:
		return color.RGBA{R: 0x3b, G: 0x6e, B: 0xa5, A: 0xff}
	case KindReference:
		return color.RGBA{R: 0xe0, G: 0x8a, B: 0x2c, A: 0xff}
	}
	return color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
}

// WriteChart draws the suite's median wall times as an SVG bar chart on a
// log scale: one bar per passing solution, steps in name order (blue),
// then references (orange) and the floor (grey), each labelled with its
// median. Failed solutions have no bar.
func WriteChart(w io.Writer, s Suite) error {
	return writeChart(w, s, "svg")
}

// writeChart is WriteChart in another format, for looking at it in tests.
func writeChart(w io.Writer, s Suite, format string) error {
	rows := Rank(s)
	var bars []Row
	for _, r := range rows {
		if r.Passed() {
			bars = append(bars, r)
		}
	}
	slices.SortStableFunc(bars, func(a, b Row) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return strings.Compare(a.Name, b.Name)
	})

	p := plot.New()
	p.Title.Text = "Median wall time per solution"
	if f := s.Get(KeyFile); f != "" {
		p.Title.Text += " on " + f
	}
	p.Y.Label.Text = "seconds (log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Tick.Label.Font.Size = vg.Points(9)
	p.X.Tick.Label.Rotation = math.Pi / 4
	p.X.Tick.Label.XAlign = draw.XRight // the rotated label ends at its tick
	p.X.Tick.Label.YAlign = draw.YCenter
	p.X.Tick.Label.Font.Size = vg.Points(9)

	if len(bars) == 0 {
		p.Title.Text += ": no passing solution"
		p.Y.Scale = plot.LinearScale{}
		p.Y.Tick.Marker = plot.DefaultTicks{}
		return saveChart(w, p, 1, format)
	}
	lo, hi := math.Inf(1), 0.0
	for _, r := range bars {
		lo, hi = math.Min(lo, r.Summary.Median), math.Max(hi, r.Summary.Median)
	}
	// Bars rise from a decade below the fastest median: a log axis has no 0.
	base := math.Pow(10, math.Floor(math.Log10(lo)))
	if base >= lo {
		base /= 10
	}
	names := make([]string, len(bars))
	var labelXYs plotter.XYs
	var labels []string
	for i, r := range bars {
		names[i] = r.Name
		if r.Kind == KindFloor {
			names[i] = "floor (read every byte)"
		}
		floorBar := &plotter.BarChart{Values: plotter.Values{base}}
		bc, err := plotter.NewBarChart(plotter.Values{r.Summary.Median - base}, vg.Points(14))
		if err != nil {
			return fmt.Errorf("harness: chart: %w", err)
		}
		bc.StackOn(floorBar)
		bc.XMin = float64(i)
		floorBar.XMin = float64(i)
		bc.LineStyle.Width = 0
		bc.Color = barColor(r.Kind)
		p.Add(bc)
		labelXYs = append(labelXYs, plotter.XY{X: float64(i), Y: r.Summary.Median})
		labels = append(labels, FormatSeconds(r.Summary.Median))
	}
	lbl, err := plotter.NewLabels(plotter.XYLabels{XYs: labelXYs, Labels: labels})
	if err != nil {
		return fmt.Errorf("harness: chart: %w", err)
	}
	for i := range lbl.TextStyle {
		lbl.TextStyle[i].Font.Size = vg.Points(8)
		lbl.TextStyle[i].XAlign = -0.5
		lbl.TextStyle[i].YAlign = 0
	}
	p.Add(lbl)
	p.NominalX(names...)
	p.Y.Min = base
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(hi*1.5)))
	p.X.Min, p.X.Max = -0.6, float64(len(bars))-0.4
	return saveChart(w, p, len(bars), format)
}

// saveChart writes p in format ("svg", "png") sized for n bars.
func saveChart(w io.Writer, p *plot.Plot, n int, format string) error {
	width := vg.Length(max(n, 4)) * vg.Points(42)
	wt, err := p.WriterTo(width+vg.Points(80), vg.Points(340), format)
	if err != nil {
		return fmt.Errorf("harness: chart: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("harness: chart: %w", err)
	}
	return nil
}

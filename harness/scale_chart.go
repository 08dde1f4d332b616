package harness

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// WriteScaleRowsChart draws the sweep's median wall times against rows as
// an SVG log-log chart, one line per solution, at the largest core count.
// A solution's line skips the sizes where it failed.
func WriteScaleRowsChart(w io.Writer, s ScaleSuite) error {
	return writeScaleRowsChart(w, s, "svg")
}

// WriteScaleCoresChart draws the sweep's speedups against cores as an SVG
// chart, one line per solution, at the largest size, with the ideal
// (linear) speedup as a dashed grey line.
func WriteScaleCoresChart(w io.Writer, s ScaleSuite) error {
	return writeScaleCoresChart(w, s, "svg")
}

// writeScaleRowsChart is WriteScaleRowsChart in another format, for
// looking at it in tests.
func writeScaleRowsChart(w io.Writer, s ScaleSuite, format string) error {
	sizes, counts := s.Sizes(), s.CoreCounts()
	p := newScalePlot()
	p.X.Label.Text = "rows (log scale)"
	p.Y.Label.Text = "median wall time (log scale)"
	if len(sizes) == 0 {
		p.Title.Text = "Median wall time against rows: no results"
		return saveScaleChart(w, p, format)
	}
	cores := counts[len(counts)-1]
	p.Title.Text = fmt.Sprintf("Median wall time against rows, at %s", coresText(cores))
	lo, hi, hiLeft := math.Inf(1), 0.0, 0.0 // hiLeft: the slowest first point of a line
	n := 0
	for i, sol := range s.Solutions() {
		var xys plotter.XYs
		for _, rows := range sizes {
			if t, ok := s.Median(sol, rows, cores); ok {
				xys = append(xys, plotter.XY{X: float64(rows), Y: t})
				lo, hi = math.Min(lo, t), math.Max(hi, t)
				if len(xys) == 1 {
					hiLeft = math.Max(hiLeft, t)
				}
			}
		}
		if len(xys) == 0 {
			continue
		}
		if err := addSeries(p, i, sol, xys); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		p.Title.Text += ": no passing solution"
		return saveScaleChart(w, p, format)
	}
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	var xt []plot.Tick
	for _, rows := range sizes {
		xt = append(xt, plot.Tick{Value: float64(rows), Label: shortRows(rows)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.X.Min, p.X.Max = float64(sizes[0])/2, float64(sizes[len(sizes)-1])*2
	// Whole decades, with room at the top left for the legend: the top
	// fraction f of the height must be above the slowest time at the
	// smallest size.
	bottom := math.Floor(math.Log10(lo))
	top := math.Max(math.Ceil(math.Log10(hi)), bottom+2)
	f := legendFraction(n)
	top = math.Max(top, math.Ceil((math.Log10(hiLeft)-f*bottom)/(1-f)))
	p.Y.Min, p.Y.Max = math.Pow(10, bottom), math.Pow(10, top)
	var yt []plot.Tick
	for v := p.Y.Min; v <= p.Y.Max*1.001; v *= 10 {
		yt = append(yt, plot.Tick{Value: v, Label: formatDecade(v)})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(8)
	return saveScaleChart(w, p, format)
}

// writeScaleCoresChart is WriteScaleCoresChart in another format.
func writeScaleCoresChart(w io.Writer, s ScaleSuite, format string) error {
	sizes, counts := s.Sizes(), s.CoreCounts()
	p := newScalePlot()
	p.X.Label.Text = "cores"
	if len(sizes) == 0 {
		p.Title.Text = "Speedup against cores: no results"
		return saveScaleChart(w, p, format)
	}
	rows := sizes[len(sizes)-1]
	base := counts[0]
	p.Title.Text = fmt.Sprintf("Speedup against cores, at %s rows", shortRows(rows))
	p.Y.Label.Text = fmt.Sprintf("speedup over %s (median wall time)", coresText(base))
	top := float64(counts[len(counts)-1]) / float64(base) // the ideal speedup, at least
	n := 0
	for i, sol := range s.Solutions() {
		var xys plotter.XYs
		for _, c := range counts {
			if sp, ok := s.Speedup(sol, rows, c); ok {
				xys = append(xys, plotter.XY{X: float64(c), Y: sp})
				top = math.Max(top, sp)
			}
		}
		if len(xys) == 0 {
			continue
		}
		if err := addSeries(p, i, sol, xys); err != nil {
			return err
		}
		n++
	}
	maxCores := counts[len(counts)-1]
	ideal, err := plotter.NewLine(plotter.XYs{{X: float64(base), Y: 1}, {X: float64(maxCores), Y: float64(maxCores) / float64(base)}})
	if err != nil {
		return fmt.Errorf("harness: chart: %w", err)
	}
	ideal.Color = color.Gray{Y: 0x80}
	ideal.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(ideal)
	p.Legend.Add("ideal (linear)", ideal)
	if n == 0 {
		p.Title.Text += ": no passing solution"
	}
	var xt []plot.Tick
	for _, c := range counts {
		xt = append(xt, plot.Tick{Value: float64(c), Label: strconv.Itoa(c)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	span := float64(counts[len(counts)-1] - counts[0])
	if span == 0 {
		span = 1
	}
	p.X.Min, p.X.Max = float64(counts[0])-span/4, float64(counts[len(counts)-1])+span/4
	// Room at the top left for the legend (and the ideal line), above
	// the lines' common start at 1.
	p.Y.Min, p.Y.Max = 0, math.Max(top*1.15, 1.1/(1-legendFraction(n+1)))
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(8)
	return saveScaleChart(w, p, format)
}

// legendFraction is about the fraction of a chart's plotting height that
// a legend of n entries takes.
func legendFraction(n int) float64 {
	return math.Min(0.7, float64(n+1)*12/340)
}

// addSeries adds the i-th solution's line with points, and its legend
// entry. Colours, glyphs and dashes differ for the first 56 solutions.
func addSeries(p *plot.Plot, i int, name string, xys plotter.XYs) error {
	l, sc, err := plotter.NewLinePoints(xys)
	if err != nil {
		return fmt.Errorf("harness: chart: %w", err)
	}
	c := plotutil.DarkColors[i%len(plotutil.DarkColors)]
	l.Color = c
	l.Width = vg.Points(1.2)
	l.Dashes = plotutil.Dashes(i / len(plotutil.DarkColors))
	sc.Color = c
	sc.Shape = plotutil.Shape(i % len(plotutil.DefaultGlyphShapes))
	sc.Radius = vg.Points(3)
	p.Add(l, sc)
	p.Legend.Add(displayName(name), l, sc)
	return nil
}

// formatDecade labels a power of ten of seconds: "1 ms", "10 s".
func formatDecade(v float64) string {
	switch {
	case v >= 1:
		return fmt.Sprintf("%.0f s", v)
	case v >= 1e-3:
		return fmt.Sprintf("%.0f ms", v*1e3)
	}
	return fmt.Sprintf("%.0f µs", v*1e6)
}

// newScalePlot returns a plot with a light grid, added first so that it
// is drawn under the lines.
func newScalePlot() *plot.Plot {
	p := plot.New()
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 0xd8}
	g.Horizontal.Color = color.Gray{Y: 0xd8}
	p.Add(g)
	return p
}

// saveScaleChart writes p in format ("svg", "png").
func saveScaleChart(w io.Writer, p *plot.Plot, format string) error {
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	wt, err := p.WriterTo(vg.Points(560), vg.Points(400), format)
	if err != nil {
		return fmt.Errorf("harness: chart: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("harness: chart: %w", err)
	}
	return nil
}

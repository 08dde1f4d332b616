package harness

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// Configuration keys of a scale sweep's raw file (see WriteScaleRaw), on
// top of those of a benchmark. In a scale file "cores" (KeyCores) is the
// core count a result ran on, which changes from point to point; the
// machine's CPU count is "cpus".
const (
	KeyCPUs       = "cpus"        // CPUs the harness may use (the machine's "cores" in a benchmark file)
	KeyStationSet = "station-set" // the generator's station set: "classic" or "10k"
	KeySeed       = "seed"        // the generator's seed
)

// ScalePoint is one point of a scale sweep: every chosen solution run on
// one data file (Rows rows) with Cores cores.
type ScalePoint struct {
	Rows     int64  // rows of the data file
	Cores    int    // cores the solutions ran on (GOMAXPROCS and CPU affinity)
	File     string // the data file
	Bytes    int64  // its size
	Stations int    // entries in its expected answer
	// Results holds one Result per solution, in the order they ran.
	Results []Result
}

// config returns the point's configuration keys: those of its data file
// (as Data.Config) and "cores".
func (p ScalePoint) config() []Config {
	return []Config{
		{KeyFile, p.File},
		{KeyRows, strconv.FormatInt(p.Rows, 10)},
		{KeyBytes, strconv.FormatInt(p.Bytes, 10)},
		{KeyStations, strconv.Itoa(p.Stations)},
		{KeyCores, strconv.Itoa(p.Cores)},
	}
}

// pointKeys are the configuration keys that belong to a point, not to the
// whole sweep.
var pointKeys = []string{KeyFile, KeyRows, KeyBytes, KeyStations, KeyCores}

// ScaleSuite is the content of one scale sweep's raw file: the
// configuration shared by every point (machine, commit, command, station
// set, seed) and the points in the order they ran.
type ScaleSuite struct {
	Config []Config
	Points []ScalePoint
}

// Get returns the value of the shared configuration key k, or "".
func (s *ScaleSuite) Get(k string) string {
	for _, c := range s.Config {
		if c.Key == k {
			return c.Value
		}
	}
	return ""
}

// Point returns the point of rows rows on cores cores, or nil.
func (s *ScaleSuite) Point(rows int64, cores int) *ScalePoint {
	for i := range s.Points {
		if s.Points[i].Rows == rows && s.Points[i].Cores == cores {
			return &s.Points[i]
		}
	}
	return nil
}

// Sizes returns the row counts of the points, ascending, each once.
func (s *ScaleSuite) Sizes() []int64 {
	var rows []int64
	for _, p := range s.Points {
		rows = append(rows, p.Rows)
	}
	slices.Sort(rows)
	return slices.Compact(rows)
}

// CoreCounts returns the core counts of the points, ascending, each once.
func (s *ScaleSuite) CoreCounts() []int {
	var cores []int
	for _, p := range s.Points {
		cores = append(cores, p.Cores)
	}
	slices.Sort(cores)
	return slices.Compact(cores)
}

// ScaleOptions configure Scale.
type ScaleOptions struct {
	// Solutions to run at every point, in order.
	Solutions []Solution
	// Rows are the sizes of the data files, in the order to run them.
	Rows []int64
	// Cores are the core counts to run each size with, in order.
	Cores []int
	// Data returns the data file of the given number of rows (see
	// LoadScaleData), generating it if need be. It is called once per
	// size, just before that size's points.
	Data func(ctx context.Context, rows int64) (Data, error)
	// Runner returns the runner for a core count, such as
	// OnCores(ProcessRunner, cores, PinCPUs).
	Runner func(cores int) Runner
	// Build compiles a solution and returns its binary's path. Scale calls
	// it at most once per solution and reuses the binary (or the error)
	// at every point.
	Build func(ctx context.Context, s Solution) (string, error)
	// Policy says how many runs each solution gets at each point.
	Policy Policy
	// Interleave, when set, is Options.Interleave for every point's
	// Bench: at each point the solutions are built (the first time) and
	// warmed up in turn, then take their timed runs in rounds, one run of
	// each solution a round, in order and reversed every other round, so
	// that a drift of the machine's speed hits every solution of the point
	// alike. The rounds stay within a point: each point is a set of rounds
	// of its own, numbered from 1, and no round mixes two points. Without
	// it, each solution does all its runs at a point before the next one
	// starts.
	Interleave bool
	// Config is the configuration shared by every point: MachineConfig,
	// the command line, KeyStationSet, KeySeed and KeySchedule (which the
	// caller sets to match Interleave, as run bench does). A "cores" key
	// (the machine's CPU count, from MachineConfig) is renamed "cpus",
	// since "cores" is each point's own key; point keys (file, rows,
	// bytes, stations) are dropped.
	Config []Config
	// Point, when not nil, is called as each point starts, with its
	// data file (Results empty), its 1-based index and the number of
	// points.
	Point func(p ScalePoint, index, total int)
	// Progress, when not nil, receives Bench's events at every point. A
	// solution's EventBuild is only sent the first time it is built.
	Progress func(Event)
	// Record, when not nil, is called with the sweep so far after each
	// solution finishes at each point; an error from it stops Scale.
	Record func(ScaleSuite) error
}

// Scale runs a scale sweep: for each size in opts.Rows, for each core
// count in opts.Cores, Bench of every solution on that size's data file
// with opts.Runner(cores), under opts.Policy, each run verified, the
// timed runs in rounds within the point when opts.Interleave is set. It
// returns the sweep. A failing solution is recorded at the point where it
// failed and still runs at the others. When ctx is cancelled, or the data
// file of a size cannot be had, Scale stops and returns every finished
// result (the point in progress keeps the solutions that finished) with
// the error.
func Scale(ctx context.Context, opts ScaleOptions) (ScaleSuite, error) {
	suite := ScaleSuite{Config: scaleConfig(opts.Config)}
	type built struct {
		path string
		err  error
	}
	bins := map[string]built{}
	build := func(ctx context.Context, s Solution) (string, error) {
		if b, ok := bins[s.Name]; ok {
			return b.path, b.err
		}
		path, err := opts.Build(ctx, s)
		if ctx.Err() == nil {
			bins[s.Name] = built{path, err} // a cancelled build is not a result
		}
		return path, err
	}
	progress := func(e Event) {
		if opts.Progress == nil {
			return
		}
		if _, ok := bins[e.Name]; ok && e.Kind == EventBuild {
			return
		}
		opts.Progress(e)
	}
	total := len(opts.Rows) * len(opts.Cores)
	index := 0
	for _, rows := range opts.Rows {
		data, err := opts.Data(ctx, rows)
		if err != nil {
			return suite, err
		}
		for _, cores := range opts.Cores {
			index++
			p := ScalePoint{Rows: rows, Cores: cores, File: data.Path, Bytes: data.Size.Bytes, Stations: data.Stations}
			if opts.Point != nil {
				opts.Point(p, index, total)
			}
			n := len(suite.Points)
			suite.Points = append(suite.Points, p)
			res, err := Bench(ctx, Options{
				Solutions:  opts.Solutions,
				Data:       data,
				Runner:     opts.Runner(cores),
				Build:      build,
				Policy:     opts.Policy,
				Interleave: opts.Interleave,
				Progress:   progress,
				Record: func(s Suite) error {
					suite.Points[n].Results = s.Results
					if opts.Record != nil {
						return opts.Record(suite)
					}
					return nil
				},
			})
			suite.Points[n].Results = res.Results
			if err != nil {
				if len(res.Results) == 0 {
					suite.Points = suite.Points[:n]
				}
				return suite, err
			}
		}
	}
	return suite, nil
}

// scaleConfig returns the shared configuration of a sweep from cfg:
// "cores" renamed "cpus", point keys dropped.
func scaleConfig(cfg []Config) []Config {
	var out []Config
	for _, c := range cfg {
		switch {
		case c.Key == KeyCores:
			out = append(out, Config{KeyCPUs, c.Value})
		case slices.Contains(pointKeys, c.Key):
		default:
			out = append(out, c)
		}
	}
	return out
}

// PinFunc confines the calling goroutine to cores CPUs for the programs
// it starts, and returns the function that undoes it. PinCPUs is the real
// one.
type PinFunc func(cores int) (restore func(), err error)

// OnCores returns a Runner that runs every command through r on cores
// cores: with GOMAXPROCS=cores in its environment (replacing the
// harness's own), and with pin(cores) in effect while r.Run starts it, so
// that the program inherits the CPU affinity. r must start the program
// from the goroutine that calls Run, as ProcessRunner does. A nil pin
// only sets GOMAXPROCS.
func OnCores(r Runner, cores int, pin PinFunc) Runner {
	return &coresRunner{r: r, cores: cores, pin: pin}
}

type coresRunner struct {
	r     Runner
	cores int
	pin   PinFunc
}

func (c *coresRunner) Run(ctx context.Context, cmd Command) (Measurement, error) {
	cmd.Env = append(slices.Clone(cmd.Env), "GOMAXPROCS="+strconv.Itoa(c.cores))
	if c.pin != nil {
		restore, err := c.pin(c.cores)
		if err != nil {
			return Measurement{}, fmt.Errorf("harness: run on %d cores: %w", c.cores, err)
		}
		defer restore()
	}
	return c.r.Run(ctx, cmd)
}

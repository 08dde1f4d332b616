package measurements

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/onebrc/onebrc/verify"
)

// Station set names accepted in Options.Stations.
const (
	Classic  = "classic"  // the 413 stations of the original challenge
	TenK     = "10k"      // 10,000 names cut from weather_stations.csv
	Numbered = "numbered" // 10,000 names "00000" to "09999"
)

// SetNames lists the station sets above for messages and help texts.
const SetNames = Classic + ", " + TenK + " or " + Numbered

// KnownSet reports whether set names one of the station sets above.
func KnownSet(set string) bool {
	return set == Classic || set == TenK || set == Numbered
}

// errUnknownSet is the error for a station set name that is none of the
// above.
func errUnknownSet(set string) error {
	return fmt.Errorf("measurements: unknown station set %q (want %q, %q or %q)", set, Classic, TenK, Numbered)
}

// Standard deviations of the values of each set, in degrees.
const (
	ClassicSigma = 10
	TenKSigma    = 7
)

// TenKStations is the number of stations of the "10k" set.
const TenKStations = verify.MaxStations

//go:embed data/stations413.csv
var stations413CSV string

//go:embed data/weather_stations.csv
var weatherStationsCSV string

// Station is one station of a set.
type Station struct {
	Name string // 1–100 bytes of UTF-8 without ';' or '\n'
	Mean int    // mean temperature in hundredths of a degree
}

// Stations returns the station set named set ("classic", "10k" or
// "numbered") in the order rows index it. The classic and numbered sets do
// not depend on seed; the 10k set does (see the package documentation).
func Stations(set string, seed uint64) ([]Station, error) {
	switch set {
	case Classic:
		return classicStations()
	case TenK:
		return tenKStations(seed)
	case Numbered:
		return numberedStations()
	}
	return nil, errUnknownSet(set)
}

// sigma returns the standard deviation of set in degrees.
func sigma(set string) float64 {
	if set == TenK || set == Numbered {
		return TenKSigma
	}
	return ClassicSigma
}

// csvRows calls fn with the name and second field of each row of an
// embedded "name;number" file, skipping '#' comment lines and blank lines.
func csvRows(file, data string, fn func(line int, name, field string) error) error {
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, field, ok := strings.Cut(line, ";")
		if !ok {
			return fmt.Errorf("%s:%d: no ';' in %q", file, i+1, line)
		}
		if err := fn(i+1, name, field); err != nil {
			return fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
	}
	return nil
}

func classicStations() ([]Station, error) {
	var out []Station
	err := csvRows("data/stations413.csv", stations413CSV, func(_ int, name, mean string) error {
		if len(name) == 0 || len(name) > verify.MaxNameLen || !utf8.ValidString(name) {
			return fmt.Errorf("bad station name %q", name)
		}
		m, err := parseHundredths(mean)
		if err != nil {
			return err
		}
		out = append(out, Station{Name: name, Mean: m})
		return nil
	})
	return out, err
}

// parseHundredths parses a decimal with at most two fractional digits,
// such as "-14.4" or "22.77", into hundredths.
func parseHundredths(s string) (int, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("mean %q has more than two decimals", s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	v, err := strconv.Atoi(whole + frac)
	if err != nil || whole == "" || whole == "-" {
		return 0, fmt.Errorf("bad mean %q", s)
	}
	return v, nil
}

// tenKStations builds the 10k set the way CreateMeasurements3.java does,
// with three fixes: names are cut between characters (runes), not UTF-16
// units; the 100-byte limit is applied before the uniqueness check, so
// truncation cannot create a duplicate; the character stream wraps around
// instead of running out.
func tenKStations(seed uint64) ([]Station, error) {
	var source []rune
	var lats []float64
	err := csvRows("data/weather_stations.csv", weatherStationsCSV, func(_ int, name, lat string) error {
		for _, r := range name {
			if r != utf8.RuneError && r != ';' && r != '\n' && r != '\r' {
				source = append(source, r)
			}
		}
		if len(lats) < TenKStations {
			l, err := strconv.ParseFloat(lat, 64)
			if err != nil || l < -90 || l > 90 {
				return fmt.Errorf("bad latitude %q", lat)
			}
			lats = append(lats, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(lats) < TenKStations {
		return nil, fmt.Errorf("data/weather_stations.csv: %d rows, need %d", len(lats), TenKStations)
	}

	rng := newRand(seed, tagNames, 0)
	src := runeStream{src: source}
	taken := make(map[string]bool, TenKStations)
	out := make([]Station, 0, TenKStations)
	for _, lat := range lats {
		// A 7th-order curve: mostly short names, with a long tail.
		x := rng.float64() - 0.372
		x2 := x * x
		n := int(4 + 2500*x2*x2*x2*x)
		name := make([]rune, 0, n)
		for range n {
			name = append(name, src.next())
		}
		name = src.tidy(name)
		for taken[string(name)] {
			name[rng.intn(len(name))] = src.nextNonSpace()
			name = src.tidy(name)
		}
		taken[string(name)] = true
		mean := 30*math.Cos(lat*math.Pi/180) - 10
		out = append(out, Station{Name: string(name), Mean: int(math.Floor(mean*100 + 0.5))})
	}
	return out, nil
}

// numberedStations returns the numbered set: station i is named by i in
// five digits ("00000" to "09999") and has the mean of the 10k set's
// station i, which comes from a latitude and does not depend on the seed.
// Names that differ in a few bytes in a regular way are what a weak hash
// puts on few slots (see solutions/19-robust-hash).
func numberedStations() ([]Station, error) {
	tenK, err := tenKStations(1)
	if err != nil {
		return nil, err
	}
	out := make([]Station, len(tenK))
	for i, s := range tenK {
		out[i] = Station{Name: fmt.Sprintf("%05d", i), Mean: s.Mean}
	}
	return out, nil
}

// runeStream hands out the characters of the concatenated names in order,
// wrapping around at the end.
type runeStream struct {
	src []rune
	pos int
}

func (s *runeStream) next() rune {
	r := s.src[s.pos]
	s.pos++
	if s.pos == len(s.src) {
		s.pos = 0
	}
	return r
}

func (s *runeStream) nextNonSpace() rune {
	for {
		if r := s.next(); !unicode.IsSpace(r) {
			return r
		}
	}
}

// tidy makes name a valid station name: at most 100 bytes and no space at
// either end. Each round either leaves name alone or drops a character, so
// it ends.
func (s *runeStream) tidy(name []rune) []rune {
	for {
		if unicode.IsSpace(name[0]) {
			name[0] = s.nextNonSpace()
		}
		if unicode.IsSpace(name[len(name)-1]) {
			name[len(name)-1] = s.nextNonSpace()
		}
		if runesLen(name) <= verify.MaxNameLen {
			return name
		}
		name = name[:len(name)-1]
	}
}

func runesLen(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += utf8.RuneLen(r)
	}
	return n
}

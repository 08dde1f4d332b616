package verify

import "strconv"

// Value limits in tenths of a degree: every valid value v satisfies
// MinValue <= v <= MaxValue.
const (
	MinValue = -999
	MaxValue = 999
)

// Name and station-count limits of the 1BRC rules.
const (
	MaxNameLen  = 100    // bytes of UTF-8 in a station name
	MaxStations = 10_000 // distinct station names in one file
)

// Stats holds the running aggregate of one station in integer tenths of a
// degree. The zero value is an empty aggregate, ready for Add.
type Stats struct {
	Min, Max int64 // extremes seen, valid only when Count > 0
	Sum      int64 // sum of all values
	Count    int64 // number of values
}

// Add records one value, in tenths.
func (s *Stats) Add(v int64) {
	if s.Count == 0 {
		s.Min, s.Max = v, v
	} else if v < s.Min {
		s.Min = v
	} else if v > s.Max {
		s.Max = v
	}
	s.Sum += v
	s.Count++
}

// Merge folds o into s, as if every value added to o had been added to s.
// Merging an empty aggregate changes nothing.
func (s *Stats) Merge(o Stats) {
	if o.Count == 0 {
		return
	}
	if s.Count == 0 {
		*s = o
		return
	}
	s.Min = min(s.Min, o.Min)
	s.Max = max(s.Max, o.Max)
	s.Sum += o.Sum
	s.Count += o.Count
}

// Mean returns the mean of s in tenths, rounded half up (ties toward
// +infinity). It returns 0 for an empty aggregate.
func (s Stats) Mean() int64 {
	if s.Count == 0 {
		return 0
	}
	return Mean(s.Sum, s.Count)
}

// Mean returns sum/count rounded half up to an integer, ties toward
// +infinity: floorDiv(2*sum+count, 2*count). With sum and count in tenths of
// a degree the result is the mean in tenths. count must be positive.
func Mean(sum, count int64) int64 {
	return floorDiv(2*sum+count, 2*count)
}

// floorDiv is Java's Math.floorDiv: the quotient rounded toward -infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// AppendTenths appends v, a value in tenths, as a decimal with exactly one
// fractional digit: 123 → "12.3", -5 → "-0.5", 0 → "0.0". It never writes
// "-0.0".
func AppendTenths(dst []byte, v int64) []byte {
	u := uint64(v)
	if v < 0 {
		dst = append(dst, '-')
		u = -u
	}
	whole := u / 10
	if whole < 10 {
		dst = append(dst, byte('0'+whole))
	} else if whole < 100 {
		dst = append(dst, byte('0'+whole/10), byte('0'+whole%10))
	} else {
		dst = strconv.AppendUint(dst, whole, 10)
	}
	return append(dst, '.', byte('0'+u%10))
}

package measurements

import (
	"math"
	"math/bits"
)

// sampler draws k = floor(σ·Z + f + 0.5) for a standard normal Z, that is
// σ·Z + f rounded half up to an integer, in O(1) from Walker's alias table
// of that discrete distribution. With σ and the value in tenths of a degree
// and f the fractional part of a mean in tenths, floor(10·mean) + k is the
// mean plus a normal deviation, rounded half up to a tenth.
//
// The table covers k in [-K, K+1] with K = ceil(10σ); the normal mass
// outside (below 2^-70) is dropped and the rest renormalized.
type sampler struct {
	n     uint64                  // table entries
	first int64                   // k of entry 0
	table *[1 << aliasBits]uint64 // per entry: acceptance threshold (top 52 bits) | alias entry (low 12 bits); n used
	probs []float64
}

const (
	aliasBits = 12
	aliasMask = 1<<aliasBits - 1
)

// newSampler builds the table for standard deviation sigma (> 0, at most
// 200) and offset f in [0, 1).
func newSampler(sigma, f float64) *sampler {
	k := int64(math.Ceil(10 * sigma))
	n := 2*k + 2
	if n > 1<<aliasBits {
		panic("measurements: sampler sigma too large")
	}
	s := &sampler{n: uint64(n), first: -k, table: new([1 << aliasBits]uint64), probs: make([]float64, n)}
	total := 0.0
	for i := range s.probs {
		kk := float64(s.first + int64(i))
		p := normalMass((kk-0.5-f)/sigma, (kk+0.5-f)/sigma)
		s.probs[i] = p
		total += p
	}
	for i := range s.probs {
		s.probs[i] /= total
	}

	// Vose's alias method in integers, so the table is exact and
	// deterministic: entry i carries weight w[i] out of n cells of
	// capacity 1<<52 each, the weights add up to exactly n<<52, and every
	// cell ends up holding its own weight and some of one alias's.
	const capacity = 1 << 52
	w := make([]uint64, n)
	var sum uint64
	largest := 0
	for i, p := range s.probs {
		w[i] = uint64(math.Round(p * float64(n) * capacity))
		sum += w[i]
		if w[i] > w[largest] {
			largest = i
		}
	}
	// The float probabilities add up to 1 within about 1e-15; the integer
	// weights must add up exactly. The center takes the difference.
	w[largest] += uint64(n)*capacity - sum
	var small, large []int
	for i := range w {
		if w[i] < capacity {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		sm := small[len(small)-1]
		small = small[:len(small)-1]
		lg := large[len(large)-1]
		s.table[sm] = w[sm]<<aliasBits | uint64(lg)
		w[lg] -= capacity - w[sm]
		if w[lg] < capacity {
			large = large[:len(large)-1]
			small = append(small, lg)
		}
	}
	// What is left holds exactly one cell's capacity: always keep it.
	for _, i := range append(small, large...) {
		s.table[i] = (capacity-1)<<aliasBits | uint64(i)
	}
	return s
}

// normalMass returns P(a <= Z < b) for a standard normal Z, accurate in the
// tails as well (no cancellation of values near 1).
func normalMass(a, b float64) float64 {
	switch {
	case b <= 0:
		return 0.5 * (math.Erfc(-b/math.Sqrt2) - math.Erfc(-a/math.Sqrt2))
	case a >= 0:
		return 0.5 * (math.Erfc(a/math.Sqrt2) - math.Erfc(b/math.Sqrt2))
	}
	return 1 - 0.5*math.Erfc(-a/math.Sqrt2) - 0.5*math.Erfc(b/math.Sqrt2)
}

// sample maps 64 uniform bits to k: the high part of r·n picks an entry, the
// low part (the fraction) decides between the entry and its alias.
func (s *sampler) sample(r uint64) int64 {
	i, frac := bits.Mul64(r, s.n)
	return int64(pick(i, frac, s.table[i])) + s.first
}

// pick returns i when frac is below the threshold of i's table entry e,
// and e's alias otherwise. It has no branch: the outcome is as
// unpredictable as the data.
func pick(i, frac, e uint64) uint64 {
	_, keep := bits.Sub64(frac, e&^aliasMask, 0)
	return i ^ (i^e&aliasMask)&(keep-1)
}

// implied returns the probability of each entry that the table actually
// produces, for tests: entry i keeps its own threshold's share of its
// cell and receives the rest of every cell whose alias it is.
func (s *sampler) implied() []float64 {
	const capacity = 1 << 52
	w := make([]uint64, s.n)
	for i, e := range s.table[:s.n] {
		t, alias := e>>aliasBits, e&aliasMask
		if alias == uint64(i) {
			t = capacity
		}
		w[i] += t
		w[alias] += capacity - t
	}
	p := make([]float64, s.n)
	for i := range w {
		p[i] = float64(w[i]) / (float64(s.n) * capacity)
	}
	return p
}

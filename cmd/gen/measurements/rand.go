package measurements

import "math/bits"

// wyrand is Wang Yi's wyrand generator: a Weyl sequence scrambled by one
// 64×64→128-bit multiply. It passes BigCrush and PractRand and costs about
// a nanosecond per draw.
type wyrand struct{ s uint64 }

// wyInc is the Weyl increment of wyrand: the state after j draws is
// s0 + j·wyInc, so a loop can compute several states independently.
const wyInc = 0xa0761d6478bd642f

// next returns the next 64 uniformly distributed bits.
func (r *wyrand) next() uint64 {
	r.s += wyInc
	return wymix(r.s)
}

// wymix returns the output of wyrand for state s.
func wymix(s uint64) uint64 {
	hi, lo := bits.Mul64(s, s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// float64 returns a uniform float64 in [0, 1) with 53 random bits.
func (r *wyrand) float64() float64 {
	return float64(r.next()>>11) * 0x1p-53
}

// intn returns a uniform integer in [0, n) for n > 0 (Lemire's
// multiply-shift; the bias is below n/2^64).
func (r *wyrand) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// mix64 is the splitmix64 finalizer: a bijection of uint64 with full
// avalanche, used to turn (seed, index) pairs into independent states.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Stream tags keep the generators for different purposes apart.
const (
	tagBlock = 0x626c6f636b // block of rows
	tagNames = 0x6e616d6573 // 10k name selection
)

// newRand returns the generator for item i of the stream tagged tag under
// seed.
func newRand(seed, tag, i uint64) wyrand {
	return wyrand{s: mix64(mix64(seed^mix64(tag)) + (i+1)*0x9e3779b97f4a7c15)}
}

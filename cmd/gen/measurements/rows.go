package measurements

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// ParseRows parses a row count: "1000000000", "1e9", "1B", "10M",
// "1_000_000", "250k", "2.5M". The suffixes are k/K (10^3), m/M (10^6) and
// b/B or g/G (10^9). The result must be a whole number in int64 range.
func ParseRows(s string) (int64, error) {
	// Digits with single '_' between them, an optional fraction, an
	// optional exponent of at most two digits, an optional suffix.
	syntax := regexp.MustCompile(`^([0-9]+(?:_[0-9]+)*(?:\.[0-9]+)?(?:[eE]\+?[0-9]{1,2})?)([kKmMgGbB]?)$`)
	m := syntax.FindStringSubmatch(s)
	if m == nil || len(s) > 40 {
		return 0, fmt.Errorf("bad row count %q: want a whole number like 1000000000, 1e9, 1B, 10M, 250k or 1_000_000", s)
	}
	r, ok := new(big.Rat).SetString(strings.ReplaceAll(m[1], "_", ""))
	if !ok {
		return 0, fmt.Errorf("bad row count %q", s)
	}
	scale := map[string]int64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "b": 1e9}[strings.ToLower(m[2])]
	r.Mul(r, new(big.Rat).SetInt64(scale))
	if !r.IsInt() {
		return 0, fmt.Errorf("bad row count %q: not a whole number", s)
	}
	if !r.Num().IsInt64() {
		return 0, fmt.Errorf("bad row count %q: too large", s)
	}
	return r.Num().Int64(), nil
}

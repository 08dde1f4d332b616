package verify

import (
	"encoding/binary"
	"io"
	"slices"
	"unicode/utf8"
)

// Station is one entry of an answer: a station name and its aggregate.
type Station struct {
	Name  string
	Stats Stats
}

// CompareNames compares a and b the way Java's String.compareTo does: by
// UTF-16 code units. It returns -1, 0 or +1.
//
// For valid UTF-8 this equals byte order except where, at the first
// differing character, one string has a character at or above U+10000 (a
// surrogate pair in UTF-16, code units 0xD800–0xDBFF) and the other a
// character in U+E000–U+FFFF: there UTF-16 puts the supplementary character
// first, while UTF-8 byte order puts it last. Invalid UTF-8 is compared by
// bytes.
func CompareNames(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return compareInts(len(a), len(b))
	}
	if a[i] < 0xEE || b[i] < 0xEE {
		// Neither side starts a character at or above U+E000 here (lead
		// bytes 0xEE and up), or they are continuation bytes of
		// characters that already compare correctly by bytes.
		return compareInts(int(a[i]), int(b[i]))
	}
	// Back up to the start of the character that differs.
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRuneInString(a[i:])
	rb, _ := utf8.DecodeRuneInString(b[i:])
	return compareInts(int(utf16First(ra)), int(utf16First(rb)))
}

// utf16First returns the first UTF-16 code unit of r: r itself in the Basic
// Multilingual Plane, the high surrogate otherwise.
func utf16First(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}

func compareInts(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sortKey is a station prepared for sorting: prefix holds the first eight
// bytes of its name, zero-padded and rewritten by javaPrefix, as a
// big-endian word, and i is the station's index.
type sortKey struct {
	prefix uint64
	i      int
}

// javaPrefix returns the first eight bytes of name as a big-endian word
// (zero-padded) whose unsigned order agrees with CompareNames: a smaller
// prefix means a smaller name, and equal prefixes decide nothing.
//
// UTF-8 byte order only goes wrong between characters from U+10000 up (lead
// bytes 0xF0–0xF4) and those in U+E000–U+FFFF (lead bytes 0xEE–0xEF), and at
// the first differing byte of two strings both sides are lead bytes or both
// are continuation bytes (0x80–0xBF) of same-length characters. Rotating the
// lead bytes 0xEE–0xF4 so the four-byte leads come first fixes the order.
func javaPrefix(name string) uint64 {
	var b [8]byte
	copy(b[:], name)
	for i, c := range b {
		switch {
		case c == 0xEE || c == 0xEF:
			b[i] = c + 5 // after the four-byte leads
		case c >= 0xF0 && c <= 0xF4:
			b[i] = c - 2 // before the U+E000–U+FFFF leads
		}
	}
	return binary.BigEndian.Uint64(b[:])
}

// SortStations sorts stations in place by name in Java String.compareTo
// order (see [CompareNames]).
func SortStations(stations []Station) {
	sorted := make([]Station, len(stations))
	for j, it := range javaOrder(stations) {
		sorted[j] = stations[it.i]
	}
	copy(stations, sorted)
}

// javaOrder returns the stations' indexes in Java String.compareTo order of
// their names, leaving stations untouched.
//
// It radix-sorts an eight-byte prefix of each name (see javaPrefix) and
// then sorts each run of equal prefixes with CompareNames: for 10,000
// stations this is several times faster than a comparison sort.
func javaOrder(stations []Station) []sortKey {
	buf := make([]sortKey, 2*len(stations))
	items, scratch := buf[:len(stations)], buf[len(stations):]
	for i := range stations {
		items[i] = sortKey{prefix: javaPrefix(stations[i].Name), i: i}
	}
	radixSort(items, scratch)
	for lo := 0; lo < len(items); {
		hi := lo + 1
		for hi < len(items) && items[hi].prefix == items[lo].prefix {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(items[lo:hi], func(x, y sortKey) int {
				return CompareNames(stations[x.i].Name, stations[y.i].Name)
			})
		}
		lo = hi
	}
	return items
}

// radixSort sorts items by prefix, least significant byte first, skipping
// the bytes on which all items agree. tmp is scratch space as long as items.
func radixSort(items, tmp []sortKey) {
	orig := items
	for shift := 0; shift < 64; shift += 8 {
		var count [256]int
		for _, it := range items {
			count[byte(it.prefix>>shift)]++
		}
		if len(items) == 0 || count[byte(items[0].prefix>>shift)] == len(items) {
			continue
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for _, it := range items {
			b := byte(it.prefix >> shift)
			tmp[count[b]] = it
			count[b]++
		}
		items, tmp = tmp, items
	}
	// After an odd number of scatters the sorted data sits in the scratch
	// slice.
	copy(orig, items)
}

// AppendFormat appends the 1BRC answer for stations to dst:
// "{name=min/mean/max, ...}\n" in Java String.compareTo order of the names
// (see [CompareNames]), or "{}\n" when stations is empty. It does not
// modify stations. Stations with Count == 0 are formatted as if min, mean
// and max were 0; callers pass only stations that were seen.
func AppendFormat(dst []byte, stations []Station) []byte {
	dst = append(dst, '{')
	for n, it := range javaOrder(stations) {
		if n > 0 {
			dst = append(dst, ", "...)
		}
		st := &stations[it.i]
		dst = append(dst, st.Name...)
		dst = append(dst, '=')
		dst = AppendTenths(dst, st.Stats.Min)
		dst = append(dst, '/')
		dst = AppendTenths(dst, st.Stats.Mean())
		dst = append(dst, '/')
		dst = AppendTenths(dst, st.Stats.Max)
	}
	return append(dst, "}\n"...)
}

// Format returns the 1BRC answer for stations (see [AppendFormat]) in a
// buffer sized for it. It does not modify stations.
func Format(stations []Station) []byte {
	size := 3
	for i := range stations {
		size += len(stations[i].Name) + 2 + 3*6
	}
	return AppendFormat(make([]byte, 0, size), stations)
}

// FormatMap returns the 1BRC answer for the stations in m.
func FormatMap(m map[string]Stats) []byte {
	stations := make([]Station, 0, len(m))
	for name, s := range m {
		stations = append(stations, Station{Name: name, Stats: s})
	}
	return Format(stations)
}

// Write formats stations (see [AppendFormat]) and writes the answer to w in
// a single Write call.
func Write(w io.Writer, stations []Station) error {
	_, err := w.Write(Format(stations))
	return err
}

package solutions_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onebrc/onebrc/verify"
)

// edgeCases writes the valid edge-case inputs into dir and returns them with
// the answers verify.AggregateFile gives for them.
func edgeCases(t *testing.T, dir string) []validCase {
	t.Helper()
	var cases []validCase
	add := func(name, content string) {
		cases = append(cases, writeValid(t, dir, name, content))
	}

	add("names-100-bytes", linesFor(longNames(), 4, 1))
	add("colliding-names-10000", linesFor(collidingNames(t), 2, 2))

	// Files shorter than 8 bytes, where reading a word at a time runs
	// past the end.
	for i, s := range []string{"a;1.0", "a;12.3", "Ω;0.0", "a;-1.0\n", "ab;-9.9", "é;0.0\n", "a;1.0\n"} {
		if len(s) >= 8 {
			t.Fatalf("short case %q has %d bytes", s, len(s))
		}
		add(fmt.Sprintf("short-%d", i), s)
	}

	// A last line without '\n', for each shape of value, on a station
	// seen before, on a new one, and alone.
	for _, v := range []string{"-9.9", "99.9", "-99.9", "0.0", "-0.0", "9.9", "-1.5"} {
		add("no-final-newline-seen"+v, "Hamburg;12.0\nBulawayo;8.9\nHamburg;"+v)
		add("no-final-newline-new"+v, "Hamburg;12.0\nBulawayo;8.9\nLast stop ü;"+v)
		add("no-final-newline-alone"+v, "x;"+v)
	}
	return cases
}

// writeValid writes content to dir/name.txt and returns it as a case with
// the reference answer.
func writeValid(t *testing.T, dir, name, content string) validCase {
	t.Helper()
	path := filepath.Join(dir, name+".txt")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := verify.AggregateFile(path)
	if err != nil {
		t.Fatalf("edge case %s is not valid input: %v", name, err)
	}
	return validCase{name: "edge/" + name, path: path, want: want}
}

// longNames returns names of exactly 100 bytes made of 1- to 4-byte UTF-8
// characters, several differing only in their last character, and a pair
// whose Java order differs from their byte order.
func longNames() []string {
	names := []string{
		strings.Repeat("😀", 25),
		strings.Repeat("😀", 24) + "😁",
		strings.Repeat("😀", 24) + "\uFF21a", // UTF-16 sorts it after the two above
		strings.Repeat("é", 50),
		strings.Repeat("é", 49) + "ea",
		strings.Repeat("€", 33) + "a",
		"a" + strings.Repeat("€", 33),
		strings.Repeat("€", 32) + "éé",
		strings.Repeat("x", 98) + "é",
		strings.Repeat("x", 99) + "y",
		strings.Repeat("x", 99) + "z",
		"a, b=1.0/2.0/3.0 {x}" + strings.Repeat("-", 80),
	}
	for _, n := range names {
		if len(n) != verify.MaxNameLen || !utf8.ValidString(n) {
			panic(fmt.Sprintf("long name %q has %d bytes", n, len(n)))
		}
	}
	return names
}

// collidingNames returns exactly 10,000 distinct names built to defeat weak
// hashes and short-cuts: names that are prefixes of each other, share their
// first 96 bytes or their last 60, share all but their last byte at lengths
// around word boundaries, are anagrams, swap their 8-byte words, or differ in
// their last multi-byte character.
func collidingNames(t *testing.T) []string {
	t.Helper()
	seen := make(map[string]bool)
	var names []string
	add := func(n string) {
		if n == "" || len(n) > verify.MaxNameLen || !utf8.ValidString(n) || strings.ContainsAny(n, ";\n") {
			t.Fatalf("colliding name %q is not a valid station name", n)
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	// Prefixes of each other: "a", "aa", ... 100 a's.
	for n := 1; n <= verify.MaxNameLen; n++ {
		add(strings.Repeat("a", n))
	}
	// The same first 96 bytes (multi-byte), four digits after.
	for i := range 2000 {
		add(strings.Repeat("€", 32) + fmt.Sprintf("%04d", i))
	}
	// All but the last byte the same, at lengths around 8-byte words.
	const lastBytes = "!\"#$%&'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
	for _, n := range []int{2, 8, 9, 15, 16, 17, 24, 31, 32, 33, 64, 100} {
		prefix := strings.Repeat("Q", n-1)
		for _, c := range []byte(lastBytes) {
			add(prefix + string(c))
		}
	}
	// Different first bytes, the same last 60.
	for i := range 1000 {
		add(fmt.Sprintf("%03d", i) + strings.Repeat("z", 60))
	}
	// Anagrams: the same bytes in a different order.
	permute([]byte("abcdefg"), 0, func(p []byte) bool {
		add(string(p))
		return len(names) < 5000
	})
	// Swapped 8-byte words: XOR or sum of words collide.
	for i := range 500 {
		u := fmt.Sprintf("%08d", i)
		add(u + "WORDSWAP")
		add("WORDSWAP" + u)
	}
	// The last character differs, two, three and four bytes wide.
	for i := range 300 {
		add("Zürich-" + string(rune(0x100+i)))
		add("Zürich-" + string(rune(0x4E00+i)))
		add("Zürich-" + string(rune(0x1F300+i)))
	}
	for i := 0; len(names) < verify.MaxStations; i++ {
		add(fmt.Sprintf("fill %05d ü", i))
	}
	if len(names) != verify.MaxStations {
		t.Fatalf("built %d colliding names, want %d", len(names), verify.MaxStations)
	}
	return names
}

// permute calls fn with each permutation of p[k:] (after p[:k]) until fn
// returns false; it reports whether to go on.
func permute(p []byte, k int, fn func([]byte) bool) bool {
	if k == len(p) {
		return fn(p)
	}
	for i := k; i < len(p); i++ {
		p[k], p[i] = p[i], p[k]
		ok := permute(p, k+1, fn)
		p[k], p[i] = p[i], p[k]
		if !ok {
			return false
		}
	}
	return true
}

// linesFor returns perName lines for each name with values spread over the
// whole range (the first two are -99.9 and 99.9), shuffled with a fixed
// seed.
func linesFor(names []string, perName int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var lines []string
	for _, n := range names {
		for k := range perName {
			var v int64
			switch k {
			case 0:
				v = verify.MinValue
			case 1:
				v = verify.MaxValue
			default:
				v = r.Int64N(verify.MaxValue-verify.MinValue+1) + verify.MinValue
			}
			lines = append(lines, n+";"+string(verify.AppendTenths(nil, v))+"\n")
		}
	}
	r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return strings.Join(lines, "")
}

// truncatedCases writes files whose last line was cut short, at every byte
// of a line and in the middle of a multi-byte character. Each cut comes
// alone and at the end of a file of exactly one 4096-byte page, so a
// solution that maps the file and reads past its end faults instead of
// reading garbage quietly.
func truncatedCases(t *testing.T, dir string) []invalidCase {
	t.Helper()
	const page = 4096
	var tails []string
	for _, full := range []string{"Hamburg;-12.3", "Zürich;4.5"} {
		for n := 1; n < len(full); n++ {
			tails = append(tails, full[:n])
		}
	}
	var cases []invalidCase
	for i, tail := range tails {
		for _, padded := range []bool{false, true} {
			content := tail
			name := fmt.Sprintf("truncated-%02d-alone", i)
			if padded {
				content = validLines(page-len(tail)) + tail
				name = fmt.Sprintf("truncated-%02d-page", i)
			}
			path := filepath.Join(dir, name+".txt")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, invalidCaseFor(t, name+" "+fmt.Sprintf("%q", tail), path, true))
		}
	}
	return cases
}

// validLines returns valid lines of exactly n bytes in total (n >= 6).
func validLines(n int) string {
	var b strings.Builder
	for i := 0; n > 0; i++ {
		// A line "<name>;1.5\n" with a name of k bytes takes k+5 bytes;
		// take 50-byte names until the rest fits in one line.
		k := 50
		if n-5 <= verify.MaxNameLen {
			k = n - 5
		}
		name := string(rune('a'+i%7)) + strings.Repeat("x", k-1)
		b.WriteString(name + ";1.5\n")
		n -= k + 5
	}
	return b.String()
}

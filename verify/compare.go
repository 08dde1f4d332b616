package verify

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Entry is one station of a formatted answer as read back: its name and the
// three numbers in tenths.
type Entry struct {
	Name           string
	Min, Mean, Max int64
	Text           string // "min/mean/max" exactly as printed
}

// Errors returned by ParseOutput.
var (
	ErrNoBraces = errors.New("output does not start with '{' and end with '}'")
	ErrBadEntry = errors.New("cannot find an entry of the form name=min/mean/max")
)

// ParseOutput reads a formatted answer back into its entries, in the order
// they appear. A missing final '\n' is tolerated (Compare reports it).
//
// Names may contain ", ", '=', '/', '{' and '}', so entry boundaries are not
// found by splitting. Each entry ends in "=<n>/<n>/<n>" followed by ", " or
// the closing brace. ParseOutput looks for a reading of the whole body: at
// each entry it tries names for which known reports true first, longest
// first, then other names, shortest first, and backtracks when the rest
// cannot be read. Compare passes the expected names as known; known may be
// nil.
func ParseOutput(out []byte, known func(name string) bool) ([]Entry, error) {
	body := bytes.TrimSuffix(out, []byte{'\n'})
	if len(body) < 2 || body[0] != '{' || body[len(body)-1] != '}' {
		return nil, ErrNoBraces
	}
	body = body[1 : len(body)-1]
	p := &outputParser{body: body, known: known, failed: map[int]bool{}}
	if !p.parse(0) {
		return p.entries, fmt.Errorf("at byte %d (%q): %w", p.stuck+1, clip(body[p.stuck:]), ErrBadEntry)
	}
	return p.entries, nil
}

// outputParser is the backtracking reader behind ParseOutput.
type outputParser struct {
	body    []byte
	known   func(string) bool
	entries []Entry
	failed  map[int]bool // start offsets from which no reading exists
	stuck   int          // furthest offset where no entry could start
}

// parse reads entries from offset p to the end, appending to entries.
func (p *outputParser) parse(pos int) bool {
	if pos == len(p.body) {
		return true
	}
	if p.failed[pos] {
		return false
	}
	n := len(p.entries)
	for _, c := range p.candidates(pos) {
		p.entries = append(p.entries[:n], c.entry)
		if p.parse(c.next) {
			return true
		}
	}
	p.entries = p.entries[:n]
	p.failed[pos] = true
	p.stuck = max(p.stuck, pos)
	return false
}

type candidate struct {
	entry Entry
	next  int // offset just past the entry's ", " separator, or len(body)
	known bool
}

// candidates lists the entries that could start at pos, in the order
// ParseOutput tries them: those with names of up to MaxNameLen bytes, or,
// when there is none, the first one with a longer name.
func (p *outputParser) candidates(pos int) []candidate {
	var cs []candidate
	for q := pos + 1; q < len(p.body); q++ {
		if q-pos > MaxNameLen && len(cs) > 0 {
			break
		}
		if p.body[q] != '=' {
			continue
		}
		e, end, ok := parseValues(p.body, q+1)
		if !ok {
			continue
		}
		next := end
		if end < len(p.body) {
			if !bytes.HasPrefix(p.body[end:], []byte(", ")) {
				continue
			}
			next = end + 2
			if next == len(p.body) {
				continue // a trailing ", " leaves no room for an entry
			}
		}
		e.Name = string(p.body[pos:q])
		cs = append(cs, candidate{entry: e, next: next, known: p.known != nil && p.known(e.Name)})
	}
	slices.SortStableFunc(cs, func(a, b candidate) int {
		switch {
		case a.known && !b.known:
			return -1
		case !a.known && b.known:
			return 1
		case a.known: // both known: longest first
			return len(b.entry.Name) - len(a.entry.Name)
		}
		return 0 // both unknown: shortest first, as found
	})
	return cs
}

// parseValues parses "<n>/<n>/<n>" at body[i:], each n of the form
// -?\d+\.\d, and returns the index just past it.
func parseValues(body []byte, i int) (Entry, int, bool) {
	var e Entry
	start := i
	for k, dst := range []*int64{&e.Min, &e.Mean, &e.Max} {
		if k > 0 {
			if i >= len(body) || body[i] != '/' {
				return e, 0, false
			}
			i++
		}
		j := i
		if j < len(body) && body[j] == '-' {
			j++
		}
		digits := j
		for j < len(body) && body[j] >= '0' && body[j] <= '9' {
			j++
		}
		if j == digits || j+1 >= len(body) || body[j] != '.' || body[j+1] < '0' || body[j+1] > '9' {
			return e, 0, false
		}
		j += 2
		v, ok := parseDecimal(body[i:j])
		if !ok {
			return e, 0, false
		}
		*dst = v
		i = j
	}
	e.Text = string(body[start:i])
	return e, i, true
}

// parseDecimal parses -?\d+\.\d (any number of whole digits, up to 15) into
// tenths.
func parseDecimal(b []byte) (int64, bool) {
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) > 17 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c != '.' {
			v = v*10 + int64(c-'0')
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

// Report is the verdict of Compare. When Equal is false, the other fields
// say why; String renders them for a person.
type Report struct {
	Equal          bool     // byte-exact match
	MissingNewline bool     // actual lacks the final '\n' (and expected has it)
	ParseErr       error    // actual could not be read back; the lists below cover what was read
	Missing        []string // expected stations absent from actual, in expected order
	Extra          []string // stations in actual that are not expected
	Duplicates     []string // stations printed more than once in actual
	Diffs          []Diff   // stations in both with different numbers, in expected order
	WrongOrder     bool     // same entries as expected, in a different order
	ExpectedCount  int      // entries in expected
	ActualCount    int      // entries read from actual
}

// Diff is one station whose numbers differ.
type Diff struct {
	Name      string
	Want, Got Entry
}

// Compare compares an actual answer with the expected one. It is byte-exact:
// Equal is true only when the two are identical. Otherwise the report names
// missing and extra stations, the stations whose numbers differ, an order
// problem and a missing final newline. expected must be a well-formed
// answer (for example from AggregateFile); if it is not, Compare returns
// an error.
func Compare(expected, actual []byte) (*Report, error) {
	if bytes.Equal(expected, actual) {
		return &Report{Equal: true}, nil
	}
	want, err := ParseOutput(expected, nil)
	if err != nil {
		return nil, fmt.Errorf("expected output: %w", err)
	}
	wantIdx := make(map[string]int, len(want))
	for i, e := range want {
		wantIdx[e.Name] = i
	}
	r := &Report{ExpectedCount: len(want)}
	r.MissingNewline = bytes.HasSuffix(expected, []byte{'\n'}) && !bytes.HasSuffix(actual, []byte{'\n'})
	got, err := ParseOutput(actual, func(name string) bool { _, ok := wantIdx[name]; return ok })
	r.ParseErr = err
	r.ActualCount = len(got)

	seen := make(map[string]Entry, len(got))
	for _, e := range got {
		if _, dup := seen[e.Name]; dup {
			r.Duplicates = append(r.Duplicates, e.Name)
			continue
		}
		seen[e.Name] = e
		if _, ok := wantIdx[e.Name]; !ok {
			r.Extra = append(r.Extra, e.Name)
		}
	}
	for _, w := range want {
		g, ok := seen[w.Name]
		switch {
		case !ok:
			r.Missing = append(r.Missing, w.Name)
		case g.Text != w.Text:
			r.Diffs = append(r.Diffs, Diff{Name: w.Name, Want: w, Got: g})
		}
	}
	if err == nil && len(r.Missing)+len(r.Extra)+len(r.Duplicates)+len(r.Diffs) == 0 && len(got) == len(want) {
		for i := range got {
			if got[i].Name != want[i].Name {
				r.WrongOrder = true
				break
			}
		}
	}
	return r, nil
}

// maxListed bounds each list in Report.String.
const maxListed = 10

// String describes the report in a few lines: "identical" for a match,
// otherwise one line per kind of problem, listing at most ten stations each.
func (r *Report) String() string {
	if r.Equal {
		return "identical"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "output differs (expected %d stations, read %d)\n", r.ExpectedCount, r.ActualCount)
	if r.ParseErr != nil {
		fmt.Fprintf(&b, "  cannot read actual output: %v\n", r.ParseErr)
	}
	list := func(what string, names []string) {
		if len(names) == 0 {
			return
		}
		fmt.Fprintf(&b, "  %d %s:", len(names), what)
		for i, n := range names {
			if i == maxListed {
				fmt.Fprintf(&b, " … and %d more", len(names)-maxListed)
				break
			}
			fmt.Fprintf(&b, " %q", n)
		}
		b.WriteByte('\n')
	}
	list("missing stations", r.Missing)
	list("extra stations", r.Extra)
	list("duplicated stations", r.Duplicates)
	if len(r.Diffs) > 0 {
		fmt.Fprintf(&b, "  %d stations with wrong values (min/mean/max):\n", len(r.Diffs))
		for i, d := range r.Diffs {
			if i == maxListed {
				fmt.Fprintf(&b, "    … and %d more\n", len(r.Diffs)-maxListed)
				break
			}
			fmt.Fprintf(&b, "    %q: want %s, got %s\n", d.Name, d.Want.Text, d.Got.Text)
		}
	}
	if r.WrongOrder {
		b.WriteString("  same entries, wrong order (want Java String.compareTo order)\n")
	}
	if r.MissingNewline {
		b.WriteString("  missing final newline\n")
	}
	if !r.WrongOrder && !r.MissingNewline && r.ParseErr == nil &&
		len(r.Missing)+len(r.Extra)+len(r.Duplicates)+len(r.Diffs) == 0 {
		b.WriteString("  same entries and order; the bytes differ elsewhere (spacing or number format)\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

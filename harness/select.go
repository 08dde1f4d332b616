package harness

import (
	"fmt"
	"path"
)

// Select returns the solutions whose names match the glob pattern (as in
// path.Match; "" matches all). A solution with its own module (such as
// solutions/duckdb, which needs cgo and a large download) is left out
// unless ownModules is set or pattern is not "" and names it.
func Select(sols []Solution, pattern string, ownModules bool) ([]Solution, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("harness: solutions pattern %q: %w", pattern, err)
	}
	var out []Solution
	for _, s := range sols {
		match := pattern == ""
		if !match {
			match, _ = path.Match(pattern, s.Name)
		}
		if !match || (s.OwnModule && !ownModules && pattern == "") {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

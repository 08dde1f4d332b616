package harness

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// stepNamePattern is what a new step's name must look like: "12-simd-scan".
var stepNamePattern = regexp.MustCompile(`^[0-9]{2,}-[a-z0-9]+(-[a-z0-9]+)*$`)

// ErrBadStepName is wrapped by Scaffold's error for a name that is not
// NN-slug.
var ErrBadStepName = errors.New("a step is named NN-slug: two or more digits, '-', then lower-case words joined by '-'")

// ScaffoldSource picks the step a new one starts from: the fastest
// passing solution in the newest raw results file in resultsDir that is
// still among sols, or else the highest-numbered step. The string says
// why, for the user.
func ScaffoldSource(sols []Solution, resultsDir string) (Solution, string, error) {
	byName := map[string]Solution{}
	var last *Solution
	for i, s := range sols {
		byName[s.Name] = s
		if KindOf(s.Name) == KindStep && (last == nil || s.Name > last.Name) {
			last = &sols[i]
		}
	}
	if raw, err := NewestRawFile(resultsDir); err == nil {
		if suite, err := ReadRawFile(raw); err == nil {
			for _, r := range Rank(suite) {
				if s, ok := byName[r.Name]; ok && r.Passed() && r.Kind == KindStep {
					return s, fmt.Sprintf("the fastest step in %s", raw), nil
				}
			}
		}
	}
	if last == nil {
		return Solution{}, "", fmt.Errorf("harness: no numbered step under solutions/ to start from")
	}
	return *last, "the highest-numbered step (no results to rank by)", nil
}

// Scaffold creates solutionsDir/name as a copy of from's directory (its
// files and subdirectories, but not its README.md, default.pgo or CPU
// profiles) and writes a README.md stub for the new step to fill in. It
// refuses a name that is not NN-slug and a directory that exists.
func Scaffold(solutionsDir, name string, from Solution) (string, error) {
	if !stepNamePattern.MatchString(name) {
		return "", fmt.Errorf("harness: new step %q: %w", name, ErrBadStepName)
	}
	dst := filepath.Join(solutionsDir, name)
	if _, err := os.Stat(dst); err == nil {
		return "", fmt.Errorf("harness: new step: %s already exists", dst)
	}
	tmp, err := os.MkdirTemp(solutionsDir, "."+name+".tmp")
	if err != nil {
		return "", fmt.Errorf("harness: new step: %w", err)
	}
	defer os.RemoveAll(tmp)
	err = filepath.WalkDir(from.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from.Dir, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if rel == "README.md" || rel == "default.pgo" || strings.HasSuffix(rel, ".pprof") {
			return nil
		}
		target := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.Mkdir(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("harness: new step from %s: %w", from.Name, err)
	}
	num, slug, _ := strings.Cut(name, "-")
	readme := fmt.Sprintf(`# %s

Step %s: TODO, one sentence in command style saying what this step does
differently (%s).

- **Changed from %s:** TODO, the one idea of this step; `+"`make diff STEP=%s`"+` shows it.
- **Why:** TODO, the evidence that pointed here (the previous step's profile:
  `+"`go run ./cmd/run bench --profile`, then `make profile STEP=NN`"+`).
- **Measured:** see `+"`results/leaderboard.md`"+` after `+"`make bench`"+`; cite the raw file
  and the machine rather than typing timings here.

Also update the package comment at the top of main.go, which still
describes %s.
`, name, num, strings.ReplaceAll(slug, "-", " "), from.Name, num, from.Name)
	if err := os.WriteFile(filepath.Join(tmp, "README.md"), []byte(readme), 0o644); err != nil {
		return "", fmt.Errorf("harness: new step: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("harness: new step: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return "", fmt.Errorf("harness: new step: %w", err)
	}
	return dst, nil
}

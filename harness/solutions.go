package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Solution is one discovered step under solutions/.
type Solution struct {
	Name      string   // directory name, e.g. "05-mapreduce"
	Dir       string   // absolute path of the directory
	OwnModule bool     // the directory has its own go.mod and is built inside it
	Env       []string // KEY=VALUE settings for its build, from //onebrc:env lines
}

// envDirective starts a line of a solution's Go file that sets the
// environment of its build, as in
//
//	//onebrc:env GOEXPERIMENT=simd
//
// A step that needs a build setting (an experiment, a GOAMD64 level) says
// so in its own source, and every build of it (bench, verify, the
// conformance test) uses the setting. Only the variables in buildEnvVars
// may be set.
const envDirective = "//onebrc:env "

// buildEnvVars are the variables an //onebrc:env line may set: those that
// choose how the go command compiles, not where it reads or writes.
var buildEnvVars = []string{"GOEXPERIMENT", "GOAMD64", "CGO_ENABLED"}

// Discover returns every solution under dir (normally "solutions"): each
// immediate subdirectory whose non-test Go files form package main. A
// directory with its own go.mod counts too and is built inside its own
// module. Solutions come back sorted by name.
func Discover(dir string) ([]Solution, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("harness: discover %s: %w", dir, err)
	}
	ents, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("harness: discover: %w", err)
	}
	var sols []Solution
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "testdata" {
			continue
		}
		d := filepath.Join(abs, e.Name())
		isMain, err := isMainPackage(d)
		if err != nil {
			return nil, fmt.Errorf("harness: discover %s: %w", d, err)
		}
		if !isMain {
			continue
		}
		env, err := buildEnv(d)
		if err != nil {
			return nil, fmt.Errorf("harness: discover: %w", err)
		}
		_, statErr := os.Stat(filepath.Join(d, "go.mod"))
		sols = append(sols, Solution{Name: e.Name(), Dir: d, OwnModule: statErr == nil, Env: env})
	}
	sort.Slice(sols, func(i, j int) bool { return sols[i].Name < sols[j].Name })
	return sols, nil
}

// sourceFiles returns the Go files of dir that are not tests, sorted.
func sourceFiles(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") }), nil
}

// isMainPackage reports whether the non-test .go files in dir declare
// package main.
func isMainPackage(dir string) (bool, error) {
	files, err := sourceFiles(dir)
	if err != nil {
		return false, err
	}
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err != nil {
			return false, err
		}
		return af.Name.Name == "main", nil
	}
	return false, nil
}

// buildEnv returns the settings of the //onebrc:env lines in the non-test
// Go files of dir, in file and line order.
func buildEnv(dir string) ([]string, error) {
	files, err := sourceFiles(dir)
	if err != nil {
		return nil, err
	}
	var env []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for i, line := range strings.Split(string(src), "\n") {
			rest, ok := strings.CutPrefix(line, envDirective)
			if !ok {
				continue
			}
			for _, kv := range strings.Fields(rest) {
				k, _, ok := strings.Cut(kv, "=")
				if !ok || !slices.Contains(buildEnvVars, k) {
					return nil, fmt.Errorf("%s:%d: %q: want KEY=VALUE with KEY one of %s", f, i+1, kv, strings.Join(buildEnvVars, ", "))
				}
				env = append(env, kv)
			}
		}
	}
	return env, nil
}

// ErrBuild is wrapped by the errors Build returns when the go command fails.
var ErrBuild = errors.New("build failed")

// Build compiles s into binDir/<name> with the go command and returns the
// binary's path. extraArgs go to "go build" before the package (for example
// "-gcflags=..." or "-pgo=off"). A solution with its own module is built
// from inside its directory; others from their module root. The build
// runs with the solution's Env added to this process's environment. A
// solution whose Env asks for a GOAMD64 level this CPU lacks is not built:
// the error wraps ErrCPU.
func Build(ctx context.Context, s Solution, binDir string, extraArgs ...string) (string, error) {
	if err := checkCPU(s.Env, hostLevel()); err != nil {
		return "", fmt.Errorf("harness: build %s: %w", s.Name, err)
	}
	out := filepath.Join(binDir, s.Name)
	args := append([]string{"build", "-o", out}, extraArgs...)
	args = append(args, ".")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = s.Dir
	if len(s.Env) > 0 {
		cmd.Env = append(os.Environ(), s.Env...) // later settings win
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("harness: build %s: %w: %v\n%s", s.Name, ErrBuild, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

package profile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onebrc/onebrc/harness/profile"
)

func TestStartWritesProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	t.Setenv(profile.EnvVar, path)
	stop := profile.Start()
	x := 0
	for i := range 1_000_000 {
		x += i
	}
	_ = x
	stop()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("profile not written: %v", err)
	}
	if fi.Size() == 0 {
		t.Errorf("%s is empty", path)
	}
}

func TestStartWithoutEnvIsNoop(t *testing.T) {
	t.Setenv(profile.EnvVar, "")
	dir := t.TempDir()
	t.Chdir(dir)
	profile.Start()()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("Start without %s wrote %v", profile.EnvVar, ents)
	}
}

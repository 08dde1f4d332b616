//go:build linux

package harness

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestResident checks the page-cache fraction of a file just written (all
// of it), after its pages are dropped (less, where the filesystem drops
// them), and after LoadData has read it again (all of it).
func TestResident(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.txt")
	data := bytes.Repeat([]byte("Abc;1.2\n"), 1<<17) // 1 MiB
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil { // clean pages, which FADV_DONTNEED may drop
		t.Fatal(err)
	}
	if r, err := Resident(path); err != nil || r != 1 {
		t.Errorf("Resident of a file just written = %v, %v; want 1, nil", r, err)
	}

	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r, err := Resident(path)
	if err != nil || r < 0 || r > 1 {
		t.Fatalf("Resident after FADV_DONTNEED = %v, %v; want a fraction", r, err)
	}
	if r == 1 {
		t.Logf("the filesystem of %s kept the pages (tmpfs?): the dropped case is not tested here", path)
	}
	d, err := LoadData(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if d.Resident < WellCached || d.Size.Rows != 1<<17 {
		t.Errorf("LoadData: Resident %v, rows %d; want >= %v and %d", d.Resident, d.Size.Rows, WellCached, 1<<17)
	}
}

// TestResidentEdges: an empty file is resident, a missing one an error
// naming it.
func TestResidentEdges(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := Resident(empty); err != nil || r != 1 {
		t.Errorf("Resident(empty) = %v, %v; want 1, nil", r, err)
	}
	missing := filepath.Join(dir, "missing.txt")
	if _, err := Resident(missing); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("Resident(missing) error = %v; want one naming the file", err)
	}
}

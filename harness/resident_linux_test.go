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

// TestLoadFreshData checks that DropCached drops a written file's pages
// (where the filesystem drops them) and that LoadFreshData leaves all of
// the file cached with its rows counted; a missing file is an error naming
// it.
func TestLoadFreshData(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(bytes.Repeat([]byte("Abc;1.2\n"), 1<<15)); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := DropCached(path); err != nil {
		t.Fatal(err)
	}
	switch r, err := Resident(path); {
	case err != nil:
		t.Fatal(err)
	case r == 1:
		// Either DropCached did nothing or the filesystem keeps pages:
		// ask the kernel directly to tell.
		g, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		if err := unix.Fadvise(int(g.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
			t.Fatal(err)
		}
		if r, _ := Resident(path); r < 1 {
			t.Errorf("Resident after DropCached = 1, after FADV_DONTNEED %v: DropCached dropped nothing", r)
		} else {
			t.Logf("the filesystem of %s kept the pages (tmpfs?): the dropped case is not tested here", path)
		}
	case r > 0.5:
		t.Errorf("Resident after DropCached = %v, want most of the file dropped", r)
	}
	d, err := LoadFreshData(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if d.Resident < WellCached || d.Size.Rows != 1<<15 {
		t.Errorf("LoadFreshData: Resident %v, rows %d; want >= %v and %d", d.Resident, d.Size.Rows, WellCached, 1<<15)
	}
	missing := filepath.Join(dir, "missing.txt")
	if _, err := LoadFreshData(t.Context(), missing); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("LoadFreshData(missing) = %v, want an error naming missing.txt", err)
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

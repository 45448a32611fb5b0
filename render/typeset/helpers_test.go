package typeset

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func mustFonts(t testing.TB) *Fonts {
	t.Helper()
	fs, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

var fixedClock = time.Date(2022, 3, 31, 9, 0, 0, 0, time.UTC)

// writePDF writes d to a file in a temporary directory and returns its path.
func writePDF(t testing.TB, d *Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// poppler runs a poppler tool and returns its output.
func poppler(t testing.TB, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s not installed (apt-get install -y poppler-utils): %v", tool, err)
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

// TestMain keeps the tests hermetic: installed fonts (SimSun, KaiTi … on a
// developer's machine) would change metrics, line breaks and goldens, so
// only the embedded defaults and the fonts a test provides are used.
func TestMain(m *testing.M) {
	systemDirs = func() []string { return nil }
	os.Exit(m.Run())
}

package render

import (
	"flag"
	"os"
	"os/exec"
	"testing"
)

// update rewrites the golden files under testdata from the current output:
// go test ./render -update (as go/printer does). A missing golden file
// fails without it.
var update = flag.Bool("update", false, "rewrite render/testdata/*.golden from the current output")

// needTools skips a test whose tools are not installed, except under CI
// (CI=true), where .ci/test installs them: there a missing tool fails, so
// checks on real PDFs never silently stop running.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not installed, but CI must run this test (.ci/test installs poppler-utils)", tool)
			}
			t.Skipf("%s not installed (apt-get install poppler-utils)", tool)
		}
	}
}

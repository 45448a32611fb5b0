package fs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"linghang/storage"
	lfs "linghang/storage/fs"
)

// The helper process: the test binary run again with LINGHANG_FS_HELPER
// set to "create" (one create-only Put, outcome on stdout) or "slow" (a
// Put that writes a few bytes, says so, and waits to be killed).
func TestMain(m *testing.M) {
	switch os.Getenv("LINGHANG_FS_HELPER") {
	case "":
		os.Exit(m.Run())
	case "create":
		st, err := lfs.New(os.Getenv("LINGHANG_FS_DIR"))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		me := os.Getenv("LINGHANG_FS_ME")
		_, err = st.Put(context.Background(), "race/v1", strings.NewReader("writer "+me), storage.PutOptions{
			CreateOnly: true, Metadata: map[string]string{"writer": me},
		})
		switch {
		case err == nil:
			fmt.Println("won")
		case errors.Is(err, storage.ErrExists):
			fmt.Println("exists")
		default:
			fmt.Println("error", err)
		}
	case "slow":
		st, err := lfs.New(os.Getenv("LINGHANG_FS_DIR"))
		if err != nil {
			os.Exit(1)
		}
		pr, pw := io.Pipe()
		go func() {
			pw.Write(bytes.Repeat([]byte("半"), 100<<10))
			fmt.Println("writing")
			select {} // never finishes: the parent kills us
		}()
		st.Put(context.Background(), "report/名册.xlsx", pr, storage.PutOptions{})
	}
	os.Exit(0)
}

func helper(t *testing.T, mode, dir, me string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LINGHANG_FS_HELPER="+mode, "LINGHANG_FS_DIR="+dir, "LINGHANG_FS_ME="+me)
	return cmd
}

// Create-only is exclusive between processes sharing the directory.
func TestCreateOnlyAcrossProcesses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if _, err := lfs.New(dir); err != nil {
		t.Fatal(err)
	}
	const n = 6
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for i := range n {
		cmds[i] = helper(t, "create", dir, fmt.Sprint(i))
		outs[i] = new(bytes.Buffer)
		cmds[i].Stdout = outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	won := -1
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper %d: %v: %s", i, err, outs[i])
		}
		switch out := strings.TrimSpace(outs[i].String()); out {
		case "won":
			if won >= 0 {
				t.Errorf("helpers %d and %d both won", won, i)
			}
			won = i
		case "exists":
		default:
			t.Errorf("helper %d: %s", i, out)
		}
	}
	if won < 0 {
		t.Fatal("no helper won")
	}
	b, err := os.ReadFile(filepath.Join(dir, "race", "v1"))
	if err != nil || string(b) != fmt.Sprintf("writer %d", won) {
		t.Errorf("stored %q, %v; want the winner's (writer %d)", b, err, won)
	}
	st, err := lfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := st.Stat(context.Background(), "race/v1"); err != nil || info.Metadata["writer"] != fmt.Sprint(won) {
		t.Errorf("metadata %q, %v; want the winner's (writer %d): a loser's sidecar replaced it", info.Metadata, err, won)
	}
}

// A process killed in the middle of a write leaves no object and nothing
// List shows; its temporary file goes once stale.
func TestKilledWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	st, err := lfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := helper(t, "slow", dir, "")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 8)
	if _, err := io.ReadFull(stdout, line); err != nil || string(line) != "writing\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	cmd.Process.Kill()
	cmd.Wait()

	ctx := context.Background()
	if _, err := st.Stat(ctx, "report/名册.xlsx"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat after the writer was killed: err = %v, want ErrNotFound", err)
	}
	temps, _ := filepath.Glob(filepath.Join(dir, "report", ".linghang-tmp-*"))
	if len(temps) != 1 {
		t.Fatalf("temporary files = %q, want the killed writer's one", temps)
	}
	if infos, err := st.List(ctx, ""); err != nil || len(infos) != 0 {
		t.Errorf("List = %v, %v; want nothing", infos, err)
	}
	st.Now = func() time.Time { return time.Now().Add(2 * lfs.DefaultStaleAfter) }
	if n, err := st.Clean(ctx); err != nil || n != 1 {
		t.Errorf("Clean = %d, %v; want 1 removed", n, err)
	}
	if temps, _ := filepath.Glob(filepath.Join(dir, "report", ".linghang-tmp-*")); len(temps) != 0 {
		t.Errorf("temporary files after Clean = %q", temps)
	}
}

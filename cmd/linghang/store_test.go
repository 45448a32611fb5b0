package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linghang/storage/fs"
)

func TestOpenStore(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	tests := []struct {
		name    string
		flag    string
		env     map[string]string
		wantDir string   // a local store in this directory
		wantErr []string // or an error mentioning all of these
	}{
		{name: "default", wantDir: filepath.Join(dir, "linghang-data")},
		{name: "env", env: map[string]string{"LINGHANG_STORE": "from-env"}, wantDir: filepath.Join(dir, "from-env")},
		{name: "flag wins", flag: "from-flag", env: map[string]string{"LINGHANG_STORE": "from-env"}, wantDir: filepath.Join(dir, "from-flag")},
		{name: "unknown scheme", flag: "ftp://host/x", wantErr: []string{"ftp://host/x", "--store", "只支持"}},
		{name: "bad s3 url", env: map[string]string{"LINGHANG_STORE": "s3://B"}, wantErr: []string{"s3://B", "LINGHANG_STORE", "存储桶名"}},
		{name: "s3 without credentials", flag: "s3://archive?endpoint=127.0.0.1:1&tls=false", wantErr: []string{"缺少凭据", "AWS_ACCESS_KEY_ID"}},
		{name: "s3 unreachable", flag: "s3://archive?endpoint=127.0.0.1:1&tls=false&timeout=300ms",
			env: map[string]string{"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}, wantErr: []string{"127.0.0.1:1", "暂不可用"}},
		{name: "dir under a file", flag: "file/sub", wantErr: []string{"无法创建存储目录", "file"}},
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{getenv: func(k string) string { return tt.env[k] }}
			st, err := openStore(context.Background(), e, tt.flag)
			if tt.wantErr != nil {
				for _, w := range tt.wantErr {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("openStore: err = %v, want it to mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fst, ok := st.(*fs.Store)
			if !ok || fst.Dir() != tt.wantDir {
				t.Fatalf("openStore = %T, want *fs.Store at %s", st, tt.wantDir)
			}
			fst.Close()
		})
	}
}

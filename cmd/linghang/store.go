package main

import (
	"context"
	"fmt"
	"strings"

	"linghang/storage"
	"linghang/storage/fs"
	"linghang/storage/s3"
)

// defaultStore is where the archive lives when neither --store nor
// LINGHANG_STORE says otherwise.
const defaultStore = "./linghang-data"

// openStore opens the archive store named by the --store flag value, else
// LINGHANG_STORE, else ./linghang-data. A path means a local directory;
// s3://bucket/prefix?endpoint=host:port&region=…&tls=false means an
// S3-compatible store with credentials from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY. The store is checked now, so a wrong address
// fails at start-up with a Chinese message, not at the first write.
func openStore(ctx context.Context, e *env, flagValue string) (storage.Store, error) {
	value, from := flagValue, "--store"
	if value == "" {
		value, from = e.getenv("LINGHANG_STORE"), "环境变量 LINGHANG_STORE"
	}
	if value == "" {
		value, from = defaultStore, "默认值"
	}
	value = strings.TrimSpace(value)
	switch {
	case strings.HasPrefix(value, "s3://"):
		cfg, err := s3.ParseURL(value)
		if err != nil {
			return nil, fmt.Errorf("%w（来自%s）", err, from)
		}
		cfg.AccessKey = e.getenv("AWS_ACCESS_KEY_ID")
		cfg.SecretKey = e.getenv("AWS_SECRET_ACCESS_KEY")
		st, err := s3.New(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("打开存储（来自%s）：%w", from, err)
		}
		return st, nil
	case strings.Contains(value, "://"):
		return nil, fmt.Errorf("存储地址 %q（来自%s）无效：只支持本地目录路径或 s3://存储桶/前缀", value, from)
	}
	st, err := fs.New(value)
	if err != nil {
		return nil, fmt.Errorf("打开存储（来自%s）：%w", from, err)
	}
	return st, nil
}

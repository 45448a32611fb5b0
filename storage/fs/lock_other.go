//go:build !unix

package fs

import (
	"errors"
	"os"
)

func flock(f *os.File, exclusive bool) error {
	return errors.New("本地存储目录需要支持 flock 的类 Unix 系统")
}

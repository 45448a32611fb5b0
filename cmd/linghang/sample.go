package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"linghang/jobs"
	"linghang/program"
)

// runSample implements `linghang sample --n N --seed S -o FILE.xlsx
// [--photos DIR] [--programme FILE]`.
func runSample(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("sample", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	n := fs.Int("n", 100, "学员人数")
	seed := fs.Int64("seed", 1, "随机种子（相同种子生成完全相同的数据）")
	out := fs.String("o", "", "输出的 XLSX 文件（必填）")
	photos := fs.String("photos", "", "照片输出目录：每位学员一张 <身份证号>.jpg（占位头像，非真人照片）")
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认内置2022年计划）")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang sample --n 500 --seed 1 -o 学员.xlsx [--photos 照片目录] [--programme 计划.yaml]\n\n生成样例学员数据（报名汇总表格式），用于演示和性能测试。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return errors.New("请用 -o 指定输出的 XLSX 文件")
	}
	if *n <= 0 || *n > 1000000 {
		return fmt.Errorf("--n %d 超出范围（1–1000000）", *n)
	}
	p, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	apps := program.Sample(p, *n, *seed)
	if len(apps) < *n {
		fmt.Fprintf(e.stderr, "注意: 各班次名额已满，只生成了 %d 名学员（要求 %d 名）\n", len(apps), *n)
	}
	var buf bytes.Buffer
	if err := program.SampleXLSX(&buf, p, apps); err != nil {
		return fmt.Errorf("生成样例报名表 %s: %w", *out, err)
	}
	if err := writeFileSynced(*out, buf.Bytes()); err != nil {
		return err
	}
	if *photos != "" {
		if err := writeSamplePhotos(ctx, *photos, apps, *seed); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已生成 %d 名样例学员: %s，照片 %d 张: %s\n", len(apps), *out, len(apps), *photos)
		return nil
	}
	fmt.Fprintf(e.stdout, "已生成 %d 名样例学员: %s\n", len(apps), *out)
	return nil
}

// samplePhotoOrientation gives the EXIF orientation tag of applicant i's
// photo: every 20th photo is stored rotated (6, 3, 8 in turn) with the
// tag that restores it, so intake's rotation is exercised.
func samplePhotoOrientation(i int) int {
	if i%20 != 11 {
		return 0
	}
	return [...]int{6, 3, 8}[(i/20)%3]
}

// writeSamplePhotos writes one placeholder portrait per applicant,
// <身份证号>.jpg, using both cores.
func writeSamplePhotos(ctx context.Context, dir string, apps []program.Applicant, seed int64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("创建照片目录 %s: %w", dir, err)
	}
	jobs := make(chan int)
	errs := make([]error, len(apps))
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b, err := program.PortraitJPEG(seed*1_000_003+int64(i), samplePhotoOrientation(i))
				if err == nil {
					err = writeFileSynced(filepath.Join(dir, apps[i].ID+".jpg"), b)
				}
				errs[i] = err
			}
		}()
	}
	for i := range apps {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("生成样例照片被中断: %w", err)
	}
	return errors.Join(errs...)
}

// writeFileSynced writes b to path atomically (jobs.WriteFileSynced).
func writeFileSynced(path string, b []byte) error { return jobs.WriteFileSynced(path, b) }

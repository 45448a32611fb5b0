package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"linghang/program"
)

func main() {
	p, _ := program.Default()
	f, _ := os.Create("/tmp/import.prof")
	pprof.StartCPUProfile(f)
	t := time.Now()
	set, rep, err := program.ImportFile(context.Background(), os.Args[1], program.ImportOptions{Programme: p, PhotosDir: os.Args[2]})
	pprof.StopCPUProfile()
	fmt.Println(len(set.Applicants), rep.Photos, err, time.Since(t))
}

package main

import (
	"context"
	"os"
	"runtime/pprof"
)

func main() {}

var _ = context.Background
var _ = os.Args
var _ = pprof.StartCPUProfile

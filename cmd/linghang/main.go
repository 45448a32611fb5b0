// Command linghang generates, schedules and archives the documents of a
// 领航计划 cycle. Run `linghang help` for the subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"syscall"
	"time"

	"linghang/jobs"
)

// memoryLimit is the default soft limit of the Go heap. A year of 10,000
// applicants has some 250 MB live at its peak; with the default GC target
// the heap would grow to twice that. Near the limit the collector works
// harder instead. GOMEMLIMIT (the runtime's own setting) overrides it.
const memoryLimit = 400 << 20

// gcPercent is the default GC target (GOGC): the heap may grow to four
// times what is live before a collection, the soft limit above still
// capping it. Most commands keep little live (a form, a photo) and
// allocate a lot; at GOGC=100 the collector took a sixth of render
// forms' CPU (3.38 -> 2.98 s of user time at 300). GOGC overrides it.
const gcPercent = 300

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	spareProcessor()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := profile(os.Getenv("LINGHANG_CPUPROFILE"))
	stopHeap := heapProfile(os.Getenv("LINGHANG_HEAPPROFILE"))
	stopTrace := executionTrace(os.Getenv("LINGHANG_TRACE"))
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopTrace()
	stopHeap()
	stopProfile()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "linghang:", err)
		os.Exit(exitCode(err))
	}
}

// spareProcessor gives the Go scheduler one processor more than there
// are CPUs, unless GOMAXPROCS is set, and keeps one render worker per CPU.
// Storing a document blocks in fsync, and a goroutine blocked in a system
// call holds its processor until the scheduler takes it back: with one
// processor per CPU, a CPU sat idle for about a tenth of a run. (N=2000
// run --all, alternated: 31.5-32.5 s -> 24.4-27.2 s with the stores
// beside the rendering and one spare processor.)
func spareProcessor() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	cpus := runtime.GOMAXPROCS(0)
	jobs.RenderWorkers = cpus
	runtime.GOMAXPROCS(cpus + 1)
}

// profile writes a CPU profile of the whole command to path when it is
// set (LINGHANG_CPUPROFILE, used by .ci/bench to profile real runs).
func profile(path string) func() {
	return record(path, "CPU profile", pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// executionTrace writes the runtime's execution trace of the whole
// command to path when it is set (LINGHANG_TRACE): where goroutines wait
// (go tool trace -pprof=syscall|sync|sched), which a CPU profile cannot show.
func executionTrace(path string) func() {
	return record(path, "execution trace", trace.Start, trace.Stop)
}

// record starts a recording into the file path, if set, and returns what
// ends it; a file that cannot be made is reported, not fatal.
func record(path, what string, start func(io.Writer) error, stop func()) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = start(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "linghang: %s: %v\n", what, err)
		return func() {}
	}
	return func() { stop(); f.Close() }
}

// heapProfile writes a heap profile to path each time the heap in use
// reaches a new peak (checked twice a second), so that the file left at
// the end shows what was live at the command's peak (LINGHANG_HEAPPROFILE).
func heapProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var peak uint64
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse <= peak+peak/20 {
				continue
			}
			peak = ms.HeapInuse
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-finished }
}

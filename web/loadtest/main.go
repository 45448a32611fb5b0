// Command loadtest measures the web service's downloads on loopback: it
// builds an archive in a temporary folder, serves it on 127.0.0.1 with
// the real handler, and has N clients download documents with an
// archivist's token for a fixed time, checking every body against the
// SHA-256 the server announces. It stops by itself and prints requests
// per second, latency percentiles, errors and the process's peak memory.
//
//	go run ./web/loadtest -clients 50 -duration 30s
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linghang/program"
	"linghang/storage/archive"
	"linghang/storage/fs"
	"linghang/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run() error {
	clients := flag.Int("clients", 50, "concurrent clients")
	duration := flag.Duration("duration", 30*time.Second, "how long to run (at most 5 minutes)")
	docs := flag.Int("docs", 300, "documents in the test archive")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *duration > 5*time.Minute || *clients > 500 || *clients < 1 {
		return errors.New("-duration at most 5m, -clients between 1 and 500")
	}
	dir, err := os.MkdirTemp("", "linghang-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := fs.New(dir)
	if err != nil {
		return err
	}
	a := archive.New(st, archive.Options{Program: "linghang", Version: "load", SpoolDir: dir + "-spool"})
	defer os.RemoveAll(dir + "-spool")
	ctx := context.Background()
	b, err := a.Begin(ctx, "load", "load")
	if err != nil {
		return err
	}
	// Sizes like the real documents: forms ~100 KB, rosters and badges
	// ~50–150 KB, bound forms and the notice 0.3–2 MB (streamed above
	// the 1 MiB check-whole threshold).
	rng := rand.New(rand.NewPCG(1, 2))
	var keys []string
	var total int64
	for i := 0; i < *docs; i++ {
		size := 40<<10 + rng.IntN(120<<10)
		if i%20 == 0 {
			size = 300<<10 + rng.IntN(2<<20)
		}
		body := make([]byte, size)
		for j := range body {
			body[j] = byte(rng.Uint32())
		}
		total += int64(size)
		e, err := b.Add(ctx, archive.Doc{Year: 2022, Kind: archive.Form, Cohort: 1 + i%10, CohortName: "班" + strconv.Itoa(1+i%10),
			Title: fmt.Sprintf("报名表 学员%03d", i), Names: []string{fmt.Sprintf("学员%03d", i)}, Filename: fmt.Sprintf("报名表-学员%03d.pdf", i), MIME: "application/pdf", Body: body})
		if err != nil {
			return err
		}
		keys = append(keys, e.Key)
	}
	if _, err := b.Commit(ctx); err != nil {
		return err
	}
	prog, err := program.Default()
	if err != nil {
		return err
	}
	acc := &web.Accounts{}
	token, _, err := acc.CreateToken(web.RoleArchivist, 0, "load")
	if err != nil {
		return err
	}
	h, err := web.New(web.Config{Archive: a, Store: st, Accounts: acc, Programme: prog, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	fmt.Printf("archive: %d documents, %.1f MB; %d clients for %v against %s\n", len(keys), float64(total)/1e6, *clients, *duration, base)

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	runtime.GC()
	var peakHeap atomic.Uint64
	stopSample := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-stopSample:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peakHeap.Load() {
					peakHeap.Store(ms.HeapInuse)
				}
			}
		}
	}()

	tr := &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	deadline := time.Now().Add(*duration)
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      = map[string]int{}
		bytesIn   atomic.Int64
	)
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []time.Duration
			for time.Now().Before(deadline) {
				key := keys[r.IntN(len(keys))]
				t0 := time.Now()
				n, err := fetch(client, base+"/api/documents/"+escapePath(key), token)
				d := time.Since(t0)
				if err != nil {
					mu.Lock()
					errs[err.Error()]++
					mu.Unlock()
					continue
				}
				bytesIn.Add(n)
				mine = append(mine, d)
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	took := time.Since(start)
	close(stopSample)
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))]
	}
	nerr := 0
	for _, n := range errs {
		nerr += n
	}
	fmt.Printf("requests: %d ok, %d errors in %.1f s → %.0f req/s, %.1f MB/s\n", len(latencies), nerr, took.Seconds(),
		float64(len(latencies))/took.Seconds(), float64(bytesIn.Load())/1e6/took.Seconds())
	fmt.Printf("latency: p50 %v, p90 %v, p99 %v, max %v\n", pct(.5).Round(time.Microsecond), pct(.9).Round(time.Microsecond),
		pct(.99).Round(time.Microsecond), pct(1).Round(time.Microsecond))
	fmt.Printf("memory: peak heap in use %.1f MB, peak RSS %s (server and clients in one process)\n", float64(peakHeap.Load())/1e6, peakRSS())
	for e, n := range errs {
		fmt.Printf("error ×%d: %s\n", n, e)
	}
	if nerr > 0 {
		return fmt.Errorf("%d requests failed", nerr)
	}
	return nil
}

func escapePath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// fetch downloads one document and checks its bytes against the SHA-256
// and length the server announced.
func fetch(c *http.Client, u, token string) (int64, error) {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		io.Copy(io.Discard, res.Body)
		return 0, fmt.Errorf("status %d", res.StatusCode)
	}
	h := sha256.New()
	n, err := io.Copy(h, res.Body)
	if err != nil {
		return n, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != res.Header.Get("X-Linghang-SHA256") || strconv.FormatInt(n, 10) != res.Header.Get("Content-Length") {
		return n, errors.New("body differs from the announced SHA-256")
	}
	return n, nil
}

// peakRSS reads the process's resident-set high-water mark (Linux).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

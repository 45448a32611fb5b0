package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"linghang/jobs"
)

// Metrics are the process's Prometheus metrics, all named linghang_…,
// in a registry of their own.
type Metrics struct {
	reg           *prometheus.Registry
	latency       *prometheus.HistogramVec
	jobsRun       *prometheus.CounterVec
	jobsFailed    *prometheus.CounterVec
	documents     prometheus.Counter
	archiveErrors *prometheus.CounterVec
	damaged       prometheus.Counter
	storeUp       prometheus.Gauge
	logins        *prometheus.CounterVec
}

// NewMetrics registers the metrics and the Go runtime's.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "linghang_http_request_duration_seconds", Help: "HTTP request latency by route pattern and status code.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "code"})
	m.jobsRun = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "linghang_jobs_run_total", Help: "Job runs by job name."}, []string{"job"})
	m.jobsFailed = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "linghang_jobs_failed_total", Help: "Failed job runs by job name."}, []string{"job"})
	m.documents = prometheus.NewCounter(prometheus.CounterOpts{Name: "linghang_documents_generated_total", Help: "Documents rendered by job runs."})
	m.archiveErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "linghang_archive_errors_total", Help: "Archive errors seen by the web server, by kind (unavailable, corrupt, other)."}, []string{"kind"})
	m.damaged = prometheus.NewCounter(prometheus.CounterOpts{Name: "linghang_downloads_damaged_total", Help: "Downloads stopped because the content did not match its SHA-256."})
	m.storeUp = prometheus.NewGauge(prometheus.GaugeOpts{Name: "linghang_store_up", Help: "1 if the archive store answered the last call, else 0."})
	m.logins = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "linghang_logins_total", Help: "Login attempts by result (ok, failed, limited)."}, []string{"result"})
	m.storeUp.Set(1)
	m.reg.MustRegister(m.latency, m.jobsRun, m.jobsFailed, m.documents, m.archiveErrors, m.damaged, m.storeUp, m.logins,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *Metrics) observe(route string, code int, d time.Duration) {
	if code == 0 {
		code = http.StatusOK
	}
	m.latency.WithLabelValues(route, strconv.Itoa(code)).Observe(d.Seconds())
}

// Runner counts the runs of r: give it to the scheduler so scheduled runs
// are counted like those started from a page or the API.
func (m *Metrics) Runner(r jobs.Runner) jobs.Runner { return countingRunner{r: r, m: m} }

type countingRunner struct {
	r jobs.Runner
	m *Metrics
}

func (c countingRunner) Run(ctx context.Context, req jobs.Request) (jobs.Record, jobs.Outcome, error) {
	rec, out, err := c.r.Run(ctx, req)
	c.m.jobsRun.WithLabelValues(req.Job).Inc()
	if err != nil || rec.Status == jobs.StatusFailed {
		c.m.jobsFailed.WithLabelValues(req.Job).Inc()
	}
	c.m.documents.Add(float64(out.Rendered))
	return rec, out, err
}

// Package jobs runs linghang's work: a job is a func(ctx) error; the
// Scheduler adds cron schedules (robfig/cron underneath), a timeout,
// bounded retries with backoff, panic recovery, skip-if-still-running,
// logging and run records. The clock and the sleep between retries are
// injected so tests never wait.
package jobs

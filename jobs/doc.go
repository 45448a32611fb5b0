// Package jobs makes the documents of a programme year, on time, once,
// and remembers it.
//
//   - The catalogue (DefaultCatalogue) declares each kind of document
//     once: its archive kind, scope (per year, cohort or applicant), file
//     name, renderer, the inputs it depends on and the jobs that make it.
//   - The Pipeline plans a job's documents from the catalogue, hashes
//     each document's inputs, renders only those that changed, archives
//     them as one batch and records the run in the Ledger.
//   - The Schedule (templates/schedule.yaml) gives each job a trigger
//     relative to the programme's dates (start - 30d 09:00) or a cron
//     spec, in Asia/Shanghai; tentative cohort dates never fire.
//   - The Scheduler fires occurrences with an injected clock, catching up
//     after downtime; leases in the store give each occurrence to exactly
//     one of several replicas.
//
// Glossary: 期 = cohort, 报名开始/截止 = registration open/close,
// 作业 = job, 触发器 = trigger, 运行记录 = run record, 租约 = lease.
package jobs

// Package web is linghang's web service: a page for each kind of user, in
// Chinese, and a JSON API under /api/.
//
//   - 总部 (RoleHQ): the programme and its cohorts, the applicant upload
//     with its validation table before anything is imported, generating
//     any document now, the job schedule and history, storage health and
//     the scheduler's state, the year-end evaluation (/hq/evaluation:
//     which cohorts' summaries came in and when); and everything the
//     others see.
//   - 承办单位 (RoleHost): its own cohort only (/cohort/{n}): notice, blank
//     form, filled forms as one streamed zip, bound forms, badges, roster,
//     sign-in sheets, the summary templates and report; the filled
//     summary is uploaded, checked like `linghang summary import` and
//     shown as a table, and stored only on confirmation (summary.go).
//   - 档案 (RoleArchivist): browse, search, versions with metadata
//     (SHA-256 included), download any version, verify a document or a
//     year; never the applicant data beyond what documents show.
//
// Accounts (argon2id password hashes) and API tokens (SHA-256 of 32
// random characters) live in an accounts file (Accounts). Sessions are
// in memory, in HttpOnly SameSite=Lax cookies, Secure over TLS; every
// POST made with a session carries its CSRF token; logins are rate
// limited per address and per account. Authorisation is decided in one
// place (canSee, canCohort) for every route.
//
// Every download is checked against the archive's SHA-256 while it is
// read: small documents before the first byte is sent, large ones with
// their last 64 KiB held back until the check passes and the connection
// cut otherwise, so no client ever receives a complete response whose
// bytes differ from the record. Errors reach users as a short Chinese
// message with the status and a request ID; details go to the log.
// Calls to the store are bounded (Config.StoreTimeout) and, once it is
// known to be down, pages answer 503 at once.
package web

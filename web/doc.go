// Package web serves the archive to people: archivists browse by year,
// kind and cohort, search by title words, applicant name or 文号, see a
// document's version history and download any version; host units
// download the current blank templates. Every page is in Chinese.
//
// The server is read-only over the archive; authentication is a shared
// access token (LINGHANG_WEB_TOKEN) checked on every request when set.
package web

// Package pdfa checks a PDF written by linghang against the clauses of
// PDF/A-2b (ISO 19005-2, level B) that a writer can get wrong: file
// header and identifier, stream framing, no encryption or forbidden
// features, embedded fonts whose /W widths agree with the glyphs of the
// font program, the sRGB output intent, and XMP metadata that identifies
// the file as PDF/A-2b and agrees with the Info dictionary.
//
// It reads the plain object layout fpdf writes (no object streams, no
// cross-reference streams); it is a structural check for tests, not a
// general PDF parser and not a replacement for veraPDF's full rule set
// (content streams, for instance, are not parsed).
package pdfa

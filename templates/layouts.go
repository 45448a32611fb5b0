package templates

import "embed"

// Layouts holds the badge layouts, layouts/NAME.yaml (a4-8, a6). Each
// gives the sheet and badge sizes and every box of the badge in mm; see
// render.Layout for the fields.
//
//go:embed layouts/*.yaml
var Layouts embed.FS

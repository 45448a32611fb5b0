package templates

import "embed"

// Programmes holds the bundled programme files, programme-YYYY.yaml.
//
//go:embed programme-*.yaml
var Programmes embed.FS

// DefaultProgramme is the file name of the programme used when none is given.
const DefaultProgramme = "programme-2022.yaml"

package templates

import "embed"

// Programmes holds the bundled programme files, programme-YYYY.yaml.
//
//go:embed programme-*.yaml
var Programmes embed.FS

// DefaultProgramme is the file name of the programme used when none is given.
const DefaultProgramme = "programme-2022.yaml"

// Schedule is the default calendar of jobs (schedule.yaml): which
// documents are made when, relative to each cohort's dates.
//
//go:embed schedule.yaml
var Schedule []byte

// ScheduleFile names the embedded schedule in messages.
const ScheduleFile = "内置 schedule.yaml"

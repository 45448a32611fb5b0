// Package templates embeds linghang's bundled sources: the programme data
// of each year (programme-YYYY.yaml, human-editable YAML), the DOCX
// notice template (notice-docx/), the badge layouts (layouts/*.yaml) and
// the default fonts with their licences and build script (fonts/). Each
// kind has its own file with its own go:embed.
package templates

package program

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"
)

// ApplicantSetFormat identifies the JSON layout written by Encode.
const ApplicantSetFormat = "linghang.applicants/v1"

// ApplicantSet is the result of one import: the applicants of a
// programme year, sorted by cohort and then by their row in the source,
// with the name and SHA-256 of the file they came from. Photos are
// referenced by content name (Applicant.Photo, see PhotoName), never
// inlined: the JSON stays small and the JPEGs are stored once each.
type ApplicantSet struct {
	Format       string      `json:"format"`
	Year         int         `json:"year"`
	Source       string      `json:"source"`            // file name as imported
	SourceSHA256 string      `json:"source_sha256"`     // hex SHA-256 of the imported bytes
	Imported     time.Time   `json:"imported,omitzero"` // UTC; not stored in the archive (the version's time stands for it)
	Applicants   []Applicant `json:"applicants"`

	// photoFiles: content name → the file holding exactly that photo, for
	// the photos an import with ImportOptions.PhotosOnDisk did not hold.
	photoFiles map[string]photoFile
}

type photoFile struct {
	path string
	size int64
}

// PhotoJPEG returns a's normalised photo: a.PhotoJPEG, or the file an
// import with ImportOptions.PhotosOnDisk left it in, read again and
// checked against its content name (the file may have changed since it
// was checked). It is nil when a has no photo.
func (s *ApplicantSet) PhotoJPEG(a *Applicant) ([]byte, error) {
	if a.Photo == "" || len(a.PhotoJPEG) > 0 {
		return a.PhotoJPEG, nil
	}
	f, ok := s.photoFiles[a.Photo]
	if !ok {
		return nil, fmt.Errorf("%s的照片 %s 不在内存中", a.Name, a.Photo)
	}
	b, err := readLimited(f.path, f.size)
	if err == nil && PhotoName(b) != a.Photo {
		err = errors.New("内容与校验时不同")
	}
	if err != nil {
		return nil, fmt.Errorf("%s的照片 %s 在导入过程中被改动或无法再读取（%v），请重新导入", a.Name, f.path, err)
	}
	return b, nil
}

// sort orders the applicants by cohort, then source row, then ID.
func (s *ApplicantSet) sort() {
	sort.SliceStable(s.Applicants, func(i, j int) bool {
		a, b := &s.Applicants[i], &s.Applicants[j]
		if a.Cohort != b.Cohort {
			return a.Cohort < b.Cohort
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.ID < b.ID
	})
}

// InCohort returns the applicants of cohort n, in set order.
func (s *ApplicantSet) InCohort(n int) []Applicant {
	var out []Applicant
	for _, a := range s.Applicants {
		if a.Cohort == n {
			out = append(out, a)
		}
	}
	return out
}

// Photos returns the normalised JPEGs held in memory, by content name.
func (s *ApplicantSet) Photos() map[string][]byte {
	out := map[string][]byte{}
	for _, a := range s.Applicants {
		if a.Photo != "" && len(a.PhotoJPEG) > 0 {
			out[a.Photo] = a.PhotoJPEG
		}
	}
	return out
}

// Encode writes the set as indented JSON (photos by name only).
func (s *ApplicantSet) Encode(w io.Writer) error {
	out := *s
	out.Format = ApplicantSetFormat
	if out.Applicants == nil {
		out.Applicants = []Applicant{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("encode applicant set: %w", err)
	}
	return nil
}

// DecodeApplicantSet reads what Encode wrote. It checks the format tag
// and that every photo name is a content name; photos are not loaded
// (see AttachPhotos).
func DecodeApplicantSet(r io.Reader) (*ApplicantSet, error) {
	var s ApplicantSet
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("学员数据无法解析：%w", err)
	}
	if s.Format != ApplicantSetFormat {
		return nil, fmt.Errorf("学员数据格式为“%s”，应为“%s”", s.Format, ApplicantSetFormat)
	}
	for i, a := range s.Applicants {
		if a.Photo != "" && !isPhotoName(a.Photo) {
			return nil, fmt.Errorf("学员数据第%d条（%s）的照片名“%s”无效", i+1, a.Name, a.Photo)
		}
	}
	return &s, nil
}

// AttachPhotos loads each applicant's photo with load (by content name)
// and checks it against its name. A missing photo is an error naming
// the applicant.
func (s *ApplicantSet) AttachPhotos(load func(name string) ([]byte, error)) error {
	var errs []error
	for i := range s.Applicants {
		a := &s.Applicants[i]
		if a.Photo == "" || len(a.PhotoJPEG) > 0 {
			continue
		}
		b, err := load(a.Photo)
		if err != nil {
			errs = append(errs, fmt.Errorf("读取%s（第%d期）的照片 %s：%w", a.Name, a.Cohort, a.Photo, err))
			continue
		}
		if PhotoName(b) != a.Photo {
			errs = append(errs, fmt.Errorf("%s（第%d期）的照片 %s 内容与名称不符（已损坏）", a.Name, a.Cohort, a.Photo))
			continue
		}
		a.PhotoJPEG = b
	}
	return errors.Join(errs...)
}

func isPhotoName(s string) bool {
	if len(s) != 64+4 || s[64:] != ".jpg" {
		return false
	}
	_, err := hex.DecodeString(s[:64])
	return err == nil
}

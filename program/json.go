package program

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// jsonKeys maps the JSON field names of Applicant (its json tags) to the
// form's fields. The Chinese headings of 附件2 are accepted as keys too.
var jsonKeys = map[string]formField{
	"recommender": fRecommender, "name": fName, "gender": fGender, "ethnicity": fEthnicity,
	"political_status": fPolitical, "id_number": fID, "mobile": fMobile, "office_phone": fOfficePhone,
	"email": fEmail, "research_field": fField, "employer": fEmployer, "cohort": fCohort,
	"bio": fBio, "photo": fPhoto,
}

// readJSON reads an array of applicant objects, or an object whose
// "applicants" member is that array (an ApplicantSet file). Records are
// numbered from 1 in FieldError.Row. Numbers are accepted for cohort; an
// id_number given as a number is flagged like an Excel number cell.
func readJSON(data []byte, name string, lim Limits) (*sheetTable, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	var list []json.RawMessage
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var wrap struct {
			Applicants []json.RawMessage `json:"applicants"`
		}
		if err := json.Unmarshal(data, &wrap); err != nil {
			return nil, jsonError(name, data, err)
		}
		if wrap.Applicants == nil {
			return nil, fmt.Errorf("%s：JSON对象中没有“applicants”数组", name)
		}
		list = wrap.Applicants
	} else if err := json.Unmarshal(data, &list); err != nil {
		return nil, jsonError(name, data, err)
	}
	if len(list) > lim.Rows {
		return nil, &LimitError{File: name, What: "记录数", Limit: int64(lim.Rows), Got: int64(len(list)), Env: "LINGHANG_IMPORT_MAX_ROWS"}
	}
	t := &sheetTable{format: FormatJSON}
	ignored := map[string]bool{}
	present := map[formField]bool{}
	for i, raw := range list {
		rec := rawRecord{row: i + 1}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return nil, fmt.Errorf("%s：第%d条记录不是JSON对象", name, i+1)
		}
		for k, v := range obj {
			f, ok := jsonKeys[k]
			if !ok {
				f, ok = headingAliases[normalizeKey(k)]
			}
			if !ok {
				ignored[k] = true
				continue
			}
			present[f] = true
			switch x := v.(type) {
			case nil:
			case string:
				rec.vals[f] = x
			case json.Number:
				rec.vals[f] = x.String()
				switch f {
				case fID:
					rec.numeric[fID] = true
					if d, ok := numberDigits(x.String()); ok {
						rec.idDigits = d
					}
				case fCohort:
					if n, err := strconv.Atoi(x.String()); err == nil {
						rec.numeric[fCohort], rec.cohort = true, n
					}
				}
			case bool:
				rec.vals[f] = strconv.FormatBool(x)
			default:
				return nil, fmt.Errorf("%s：第%d条记录的“%s”应为文本，实为%s", name, i+1, k, jsonKind(v))
			}
		}
		t.records = append(t.records, rec)
	}
	for k := range ignored {
		t.ignored = append(t.ignored, k)
	}
	sort.Strings(t.ignored)
	for f := formField(0); f < numFormFields; f++ {
		if present[f] {
			t.headings = append(t.headings, formFieldNames[f])
		}
	}
	return t, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "对象"
	case []any:
		return "数组"
	}
	return fmt.Sprintf("%T", v)
}

// jsonError turns a decoding error into a Chinese message with line and column.
func jsonError(name string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset)
		return fmt.Errorf("%s 第%d行第%d列：JSON格式错误（%v）", name, line, col, se)
	case errors.As(err, &te):
		line, col := lineCol(data, te.Offset)
		return fmt.Errorf("%s 第%d行第%d列：应为学员数组或含“applicants”数组的对象（%v）", name, line, col, te)
	}
	return fmt.Errorf("%s：JSON无法解析：%w", name, err)
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len([]rune(string(before[bytes.LastIndexByte(before, '\n')+1:]))) + 1
	return line, col
}

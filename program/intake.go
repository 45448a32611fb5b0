package program

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Format is an intake file format.
type Format string

const (
	FormatAuto Format = ""     // from the file name's extension, else sniffed from the content
	FormatXLSX Format = "xlsx" // Excel 2007+ workbook
	FormatCSV  Format = "csv"  // comma/tab/semicolon separated, UTF-8 (BOM or not), UTF-16 with BOM, or GBK/GB18030
	FormatJSON Format = "json" // an array of applicants, or an object with an "applicants" array
)

// MaxIntakeBytes bounds the size of an intake file read into memory.
const MaxIntakeBytes = 256 << 20

// ImportOptions qualifies an Import.
type ImportOptions struct {
	Format Format // FormatAuto to detect
	Sheet  string // XLSX: the sheet to read; "" for the first sheet with a recognisable header
	// PhotosDir is the folder photos are read from: the file named in the
	// 照片 column, else <身份证号>.jpg/.jpeg/.png. Pictures embedded in the
	// XLSX 照片 cell take precedence.
	PhotosDir string
	Programme *Programme // required: cohorts, the women-only flag, capacities, the bio bound
	// Partial imports the valid rows and reports the others; without it one
	// bad row rejects the whole file.
	Partial bool
	// Now is the day ages are computed on; zero means time.Now().
	Now time.Time
	// Limits bounds the file, its inflated parts, rows, columns and
	// photos; zero fields take DefaultLimits.
	Limits Limits
	// Covers, if set, reports whether the configured fonts can typeset a
	// character (render/typeset's Fonts.Covers). Fields of an accepted
	// applicant holding other characters are reported as warnings
	// (TypesetProblems): that person's documents cannot be rendered.
	Covers func(rune) bool
	// PhotosOnDisk leaves the photos that are kept byte for byte (most
	// of them: upright, within the box, no metadata) in their files in
	// PhotosDir instead of holding them: Applicant.PhotoJPEG stays empty
	// for them and ApplicantSet.PhotoJPEG reads them again when they are
	// archived. An import of a year's photos then holds only those it
	// re-encoded. For callers that only store the set; renderers need
	// PhotoJPEG filled.
	PhotosOnDisk bool
}

// Report describes what an Import read and decided.
type Report struct {
	File      string
	Format    Format
	Sheet     string // XLSX sheet read
	Encoding  string // CSV: the text encoding detected (UTF-8, UTF-8（带BOM）, UTF-16, GBK/GB18030)
	HeaderRow int    // row holding the column headings (XLSX/CSV)
	Columns   []string
	Ignored   []string  // headings that are not form fields
	Rows      int       // data rows read (blank and note rows skipped)
	Imported  int       // applicants in the returned set
	Rejected  int       // rows with at least one error
	Photos    int       // applicants with a photo
	Errors    ErrorList // every problem, sorted by row
	Warnings  ErrorList // accepted, but worth a look (no photo, ID stored as a number but intact)
	// Unprintable counts the accepted applicants with a character the
	// fonts lack (ImportOptions.Covers): their documents will not render.
	Unprintable int
	// Template is set when the file is linghang's 报名汇总表 template.
	Template *IntakeTemplateInfo
}

// Import reads applicants from r (XLSX, CSV or JSON), normalises and
// validates every row, reads the photos and returns the set.
//
// If any row is invalid, Import returns a nil set and a *ValidationError
// holding every FieldError, unless opts.Partial is set: then the set holds
// the valid rows and report.Errors the rejected ones. Other errors (the
// file cannot be read, has no header row, misses a required column) are
// returned as such. The report is non-nil whenever the file could be read.
func Import(ctx context.Context, r io.Reader, name string, opts ImportOptions) (*ApplicantSet, *Report, error) {
	data, err := readIntake(r, name, opts)
	if err != nil {
		return nil, nil, err
	}
	return importBytes(ctx, data, name, opts, "")
}

// ImportFile is Import on a file. Photos named in the 照片 column are
// looked up next to the file when opts.PhotosDir is empty.
func ImportFile(ctx context.Context, path string, opts ImportOptions) (*ApplicantSet, *Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("打开 %s: %w", path, err)
	}
	defer f.Close()
	data, err := readIntake(f, path, opts)
	if err != nil {
		return nil, nil, err
	}
	return importBytes(ctx, data, filepath.Base(path), opts, filepath.Dir(path))
}

func readIntake(r io.Reader, name string, opts ImportOptions) ([]byte, error) {
	if opts.Programme == nil {
		return nil, errors.New("导入学员：未指定年度计划")
	}
	l := opts.Limits.orDefault()
	data, err := io.ReadAll(io.LimitReader(r, l.FileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("读取 %s: %w", name, err)
	}
	if int64(len(data)) > l.FileBytes {
		return nil, &LimitError{File: name, What: "文件大小", Limit: l.FileBytes, Got: int64(len(data)), Env: "LINGHANG_IMPORT_MAX_FILE_MB"}
	}
	return data, nil
}

// formField enumerates the registration form's fields in the form's order.
type formField int

const (
	fRecommender formField = iota
	fName
	fGender
	fEthnicity
	fPolitical
	fID
	fMobile
	fOfficePhone
	fEmail
	fField
	fEmployer
	fCohort
	fBio
	fPhoto
	fPost // 职务, when given in a column of its own
	fRank // 职称, when given in a column of its own
	numFormFields
)

var formFieldNames = [numFormFields]string{
	ColRecommender, ColName, ColGender, ColEthnicity, ColPolitical, ColID, ColMobile,
	ColOfficePhone, ColEmail, ColField, ColEmployer, ColCohort, ColBio, ColPhoto, "职务", "职称",
}

// headingAliases maps every accepted column heading (normalised with
// normalizeKey) to its field.
var headingAliases = func() map[string]formField {
	m := map[string]formField{}
	add := func(f formField, names ...string) {
		for _, n := range names {
			m[normalizeKey(n)] = f
		}
	}
	add(fRecommender, "推荐单位", "推荐单位名称", "推荐机构")
	add(fName, "姓名", "学员姓名", "名字")
	add(fGender, "性别")
	add(fEthnicity, "民族")
	add(fPolitical, "政治面貌", "政治面目")
	add(fID, "身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码", "身份证件号码")
	add(fMobile, "手机", "手机号", "手机号码", "移动电话", "联系手机")
	add(fOfficePhone, "办公电话", "座机", "固定电话", "单位电话", "办公室电话")
	add(fEmail, "电子邮箱", "邮箱", "电子邮件", "email", "e-mail", "邮件地址", "电子信箱")
	add(fField, "研究领域", "研究方向", "专业领域", "专业方向")
	add(fEmployer, "工作单位及职务、职称", "工作单位及职务职称", "工作单位及职务,职称", "工作单位", "工作单位及职务", "单位及职务职称", "单位及职务、职称", "单位职务职称", "工作单位职务职称", "单位")
	add(fCohort, "选择班次", "班次", "报名班次", "所选班次", "选报班次", "期次")
	add(fBio, "个人简介", "简介", "个人简历", "简历")
	add(fPhoto, "照片", "相片", "照片文件", "照片文件名", "证件照")
	add(fPost, "职务")
	add(fRank, "职称")
	return m
}()

// requiredColumns must be present in the header row.
var requiredColumns = []formField{fName, fID, fCohort}

// sheetTable is what every reader produces: the header mapping and the
// raw records in file order.
type sheetTable struct {
	format    Format
	sheet     string
	encoding  string
	headerRow int
	col       [numFormFields]int // 1-based column of each field, 0 if absent
	headings  []string
	ignored   []string
	records   []rawRecord
	// cohorts memoises parseCohortChoice: most rows repeat a few values.
	cohorts map[string]cohortChoice
	// template is the marker of linghang's 报名汇总表 template, if any.
	template *IntakeTemplateInfo
}

type cohortChoice struct {
	n      int
	reason string
}

// rawRecord is one data row as read, before normalisation.
type rawRecord struct {
	row      int
	vals     [numFormFields]string
	numeric  [numFormFields]bool // the cell held a number, not text (XLSX; JSON)
	idDigits string              // the digits of a numeric ID cell
	picture  []byte              // a picture embedded in the 照片 cell
	pictErr  string              // why the embedded picture could not be read
	cohort   int                 // JSON: a numeric cohort
}

// mapHeader matches a row of headings against the form's fields and
// reports how many matched.
func mapHeader(cells []string) (col [numFormFields]int, headings, ignored []string, matched int) {
	for i, c := range cells {
		c = trim(c)
		if c == "" {
			continue
		}
		f, ok := headingAliases[normalizeKey(c)]
		if !ok || col[f] != 0 {
			ignored = append(ignored, c)
			continue
		}
		col[f] = i + 1
		headings = append(headings, c)
		matched++
	}
	return col, headings, ignored, matched
}

// findHeader returns the index of the first of the leading rows that
// holds at least three form headings (title rows, merged or not, come
// before it), or -1.
func findHeader(rows [][]string) int {
	for i := 0; i < len(rows) && i < 30; i++ {
		if _, _, _, n := mapHeader(rows[i]); n >= 3 {
			return i
		}
	}
	return -1
}

// checkHeader reports the required columns that are missing.
func (t *sheetTable) checkHeader(file string) error {
	var missing []string
	for _, f := range requiredColumns {
		if t.col[f] == 0 {
			missing = append(missing, formFieldNames[f])
		}
	}
	if len(missing) > 0 {
		return &FieldError{File: file, Row: t.headerRow, Reason: fmt.Sprintf("表头缺少必需的列：%s（表头应使用报名表的栏目名称）", strings.Join(missing, "、"))}
	}
	return nil
}

// recordFromCells builds a record from one row of cells; ok is false for
// rows that are skipped: blank, empty but for columns that are not form
// fields (a pre-numbered 序号), notes (注：…, 填表说明…), a repeated header.
func (t *sheetTable) recordFromCells(row int, cells []string) (rawRecord, bool) {
	rec := rawRecord{row: row}
	nonEmpty, first := 0, ""
	for _, c := range cells {
		if trim(c) != "" {
			if nonEmpty == 0 {
				first = trim(c)
			}
			nonEmpty++
		}
	}
	if nonEmpty == 0 {
		return rec, false
	}
	if nonEmpty == 1 && (strings.HasPrefix(first, "注") || strings.HasPrefix(first, "说明") || strings.HasPrefix(first, "填表说明") || strings.HasPrefix(first, "备注")) {
		return rec, false
	}
	filled := 0
	for f := formField(0); f < numFormFields; f++ {
		if c := t.col[f]; c > 0 && c <= len(cells) {
			rec.vals[f] = cells[c-1]
			if trim(cells[c-1]) != "" {
				filled++
			}
		}
	}
	// Template rows with only a pre-filled 序号 (or other extra column)
	// hold no applicant.
	if filled == 0 {
		return rec, false
	}
	// The header repeated further down (a list printed page by page and
	// pasted together) is not an applicant.
	if f, ok := headingAliases[normalizeKey(rec.vals[fName])]; ok && f == fName {
		if g, ok := headingAliases[normalizeKey(rec.vals[fID])]; ok && g == fID {
			return rec, false
		}
	}
	return rec, true
}

// detectFormat chooses the reader from opts, the name's extension and the
// content's first bytes.
func detectFormat(data []byte, name string, f Format) (Format, error) {
	switch f {
	case FormatXLSX, FormatCSV, FormatJSON:
		return f, nil
	case FormatAuto:
	default:
		return "", fmt.Errorf("不支持的格式 %q（可选：xlsx、csv、json）", f)
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return "", fmt.Errorf("%s 是旧版Excel（.xls）或已加密的工作簿，请在Excel中另存为.xlsx（不加密码）后再导入", name)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return FormatXLSX, nil // whatever the extension says: a CSV or JSON cannot start so
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	case ".json":
		return FormatJSON, nil
	case ".xls":
		return "", fmt.Errorf("%s 是旧版Excel（.xls），请在Excel中另存为.xlsx后再导入", name)
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		return FormatJSON, nil
	}
	return FormatCSV, nil
}

func importBytes(ctx context.Context, data []byte, name string, opts ImportOptions, fileDir string) (*ApplicantSet, *Report, error) {
	format, err := detectFormat(data, name, opts.Format)
	if err != nil {
		return nil, nil, err
	}
	lim := opts.Limits.orDefault()
	// The photo folder is read while the rows are parsed (see
	// photoPrefetch); a folder that cannot be opened is reported below,
	// after the file's own errors, as before.
	var early *photoFolder
	if opts.PhotosDir != "" && prefetchPhotos {
		if early, _ = openPhotoFolder(opts.PhotosDir); early != nil {
			early.maxBytes = lim.PhotoBytes
			early.pre = early.prefetch(ctx)
			defer early.pre.finish()
		}
	}
	var t *sheetTable
	switch format {
	case FormatXLSX:
		t, err = readXLSX(ctx, data, name, opts.Sheet, lim)
	case FormatCSV:
		t, err = readCSV(data, name, lim)
	case FormatJSON:
		t, err = readJSON(data, name, lim)
	}
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(data)
	rep := &Report{File: name, Format: format, Sheet: t.sheet, Encoding: t.encoding, HeaderRow: t.headerRow, Columns: t.headings, Ignored: t.ignored, Rows: len(t.records),
		Template: t.template}
	if tp := t.template; tp != nil && tp.Year != opts.Programme.Year {
		// The cohorts of another year's template may not be this year's.
		rep.Warnings = append(rep.Warnings, &FieldError{File: name, Reason: fmt.Sprintf("这是%d年的报名汇总表模板，导入的是%d年的计划：请核对班次，今后请使用%d年的模板", tp.Year, opts.Programme.Year, opts.Programme.Year)})
	}
	if len(t.records) == 0 {
		return nil, rep, fmt.Errorf("%s 中没有学员数据（表头在第%d行，其下没有内容）", name, t.headerRow)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	photosDir := opts.PhotosDir
	var photos *photoFolder
	if early != nil {
		photos = early
	} else if photosDir != "" {
		if photos, err = openPhotoFolder(photosDir); err != nil {
			return nil, rep, err
		}
	} else if fileDir != "" && t.col[fPhoto] != 0 {
		photos, _ = openPhotoFolder(fileDir) // names in the 照片 column, relative to the file
		if photos != nil {
			photos.byIDOff = true
		}
	}
	if photos != nil {
		photos.maxBytes = lim.PhotoBytes
	}

	apps := make([]*Applicant, len(t.records))
	rowErrs := make([]ErrorList, len(t.records))
	for i := range t.records {
		if i%512 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, rep, err
			}
		}
		apps[i], rowErrs[i] = t.applicant(&t.records[i], opts.Programme, now, rep)
	}
	// Photos: decoding is the expensive part, spread it over the CPUs.
	// The prefetch takes no new file from here on.
	if photos != nil {
		photos.pre.finish()
	}
	photoErrs := make([]*FieldError, len(t.records))
	var photoFiles []photoFile // by record: the file a kept photo is left in
	if opts.PhotosOnDisk {
		photoFiles = make([]photoFile, len(t.records))
	}
	var warnMu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				rec, a := &t.records[i], apps[i]
				fe, warn, file := t.photo(rec, a, photos, opts.PhotosOnDisk)
				photoErrs[i] = fe
				if file != (photoFile{}) {
					photoFiles[i] = file
				}
				if warn != nil {
					warnMu.Lock()
					rep.Warnings = append(rep.Warnings, warn)
					warnMu.Unlock()
				}
			}
		}()
	}
	for i := range t.records {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, rep, err
	}

	valid := make([]*Applicant, 0, len(apps))
	var withID []*Applicant // rows whose 身份证号 is sound, whatever else is wrong
	for i, a := range apps {
		if photoErrs[i] != nil {
			rowErrs[i] = append(rowErrs[i], photoErrs[i])
		}
		if len(rowErrs[i]) == 0 {
			valid = append(valid, a)
		}
		if a.ID != "" && !rowErrs[i].has(ColID) {
			withID = append(withID, a)
		}
	}
	setErrs := validateSet(opts.Programme, valid, withID)
	rejected := map[int]bool{}
	for _, fe := range setErrs {
		rejected[fe.Row] = true
	}
	var all ErrorList
	for i, errs := range rowErrs {
		for _, fe := range errs {
			fe.File, fe.Row = name, t.records[i].row
			if fe.Col == 0 {
				fe.Col = t.colOf(fe.Column)
			}
			all = append(all, fe)
		}
	}
	for _, fe := range setErrs {
		fe.File = name
		fe.Col = t.colOf(fe.Column)
		all = append(all, fe)
	}
	all.Sort()
	// Warnings matter for the rows that are accepted; a rejected row has
	// its errors to fix first.
	bad := map[int]bool{}
	for _, fe := range all {
		bad[fe.Row] = true
	}
	warnings := rep.Warnings[:0]
	for _, w := range rep.Warnings {
		if bad[w.Row] {
			continue
		}
		w.File = name
		if w.Col == 0 {
			w.Col = t.colOf(w.Column)
		}
		warnings = append(warnings, w)
	}
	rep.Warnings = warnings
	rep.Warnings.Sort()
	rep.Errors = all
	rep.Rejected = len(all.Rows())

	set := &ApplicantSet{Year: opts.Programme.Year, Source: name, SourceSHA256: hex.EncodeToString(sum[:]), Imported: now.UTC().Truncate(time.Second),
		Applicants: make([]Applicant, 0, len(valid))}
	fileOf := map[*Applicant]photoFile{}
	for i, f := range photoFiles {
		if f != (photoFile{}) {
			fileOf[apps[i]] = f
		}
	}
	for _, a := range valid {
		if rejected[a.Row] {
			continue
		}
		if f, ok := fileOf[a]; ok {
			if set.photoFiles == nil {
				set.photoFiles = map[string]photoFile{}
			}
			set.photoFiles[a.Photo] = f
		}
		set.Applicants = append(set.Applicants, *a)
		if a.Photo != "" {
			rep.Photos++
		}
	}
	set.sort()
	rep.Imported = len(set.Applicants)
	if opts.Covers != nil {
		memo := map[rune]bool{}
		covers := func(r rune) bool {
			ok, seen := memo[r]
			if !seen {
				ok = opts.Covers(r)
				memo[r] = ok
			}
			return ok
		}
		for i := range set.Applicants {
			probs := TypesetProblems(&set.Applicants[i], covers)
			if len(probs) > 0 {
				rep.Unprintable++
			}
			for _, fe := range probs {
				fe.File, fe.Col = name, t.colOf(fe.Column)
				rep.Warnings = append(rep.Warnings, fe)
			}
		}
		rep.Warnings.Sort()
	}
	if len(all) > 0 && !opts.Partial {
		rep.Imported, rep.Photos = 0, 0
		return nil, rep, &ValidationError{File: name, Errors: all}
	}
	return set, rep, nil
}

// colOf returns the file column of a field name.
func (t *sheetTable) colOf(name string) int {
	for f, n := range formFieldNames {
		if n == name {
			return t.col[f]
		}
	}
	return 0
}

// applicant normalises and validates one record.
func (t *sheetTable) applicant(rec *rawRecord, p *Programme, now time.Time, rep *Report) (*Applicant, ErrorList) {
	v := &rec.vals
	a := &Applicant{
		Recommender: v[fRecommender], Name: v[fName], Gender: v[fGender], Ethnicity: v[fEthnicity],
		Political: v[fPolitical], ID: v[fID], Mobile: v[fMobile], OfficePhone: v[fOfficePhone],
		Email: v[fEmail], Field: v[fField], Employer: v[fEmployer], Bio: v[fBio], Photo: v[fPhoto],
		Row: rec.row,
	}
	// 职务 and 职称 in columns of their own join the employer: 单位 职务 职称.
	for _, f := range []formField{fPost, fRank} {
		if s := trim(v[f]); s != "" && !strings.Contains(a.Employer, s) {
			a.Employer = trim(a.Employer + " " + s)
		}
	}
	a.Normalize()
	var errs ErrorList
	// An ID cell holding a number: intact if its 18 digits still check,
	// otherwise Excel has rounded or truncated it.
	idNumeric := false
	if rec.numeric[fID] && rec.idDigits != "" {
		idNumeric = true
		a.ID = rec.idDigits
		switch {
		case CheckID(a.ID, now) == "" && t.format == FormatJSON:
			rep.addWarning(rec.row, ColID, v[fID], "id_number 写成了数字（本次数据完整），许多程序读写数字时会丢失末几位，请写成字符串")
		case CheckID(a.ID, now) == "":
			rep.addWarning(rec.row, ColID, v[fID], "身份证号存成了数字（本次数据完整），Excel再次保存时会丢失末几位，建议将该列设为文本")
		default:
			errs = append(errs, &FieldError{Column: ColID, Value: trim(v[fID]), Reason: excelNumberReason(a.ID)})
			a.ID = "" // never keep a damaged number as if it were an ID
		}
	}
	if rec.numeric[fCohort] && rec.cohort != 0 {
		a.Cohort = rec.cohort
	} else if trim(v[fCohort]) != "" {
		ch, ok := t.cohorts[v[fCohort]]
		if !ok {
			ch.n, ch.reason = parseCohortChoice(p, v[fCohort])
			if t.cohorts == nil {
				t.cohorts = map[string]cohortChoice{}
			}
			t.cohorts[v[fCohort]] = ch
		}
		n, reason := ch.n, ch.reason
		if reason != "" {
			errs = append(errs, &FieldError{Column: ColCohort, Value: trim(v[fCohort]), Reason: reason})
		}
		a.Cohort = n
	} else {
		errs = append(errs, &FieldError{Column: ColCohort, Reason: "必填项未填写"})
	}
	for _, fe := range ValidateApplicant(p, a, now) {
		if idNumeric && fe.Column == ColID {
			continue // already reported as a number
		}
		// Report the value as typed, not as normalised.
		if f := fieldByName(fe.Column); f >= 0 && fe.Value != "" && trim(v[f]) != "" && fe.Column != ColBio {
			fe.Value = trim(v[f])
		}
		errs = append(errs, fe)
	}
	return a, errs
}

func fieldByName(name string) formField {
	for f, n := range formFieldNames {
		if n == name {
			return formField(f)
		}
	}
	return -1
}

// excelNumberReason explains an ID cell that a spreadsheet stored as a number.
func excelNumberReason(id string) string {
	switch {
	case len(id) == 17 && IDCheckDigit(id) == 'X':
		return "身份证号被Excel存成了数字，末位X已丢失（只剩17位）；" + excelNumberAdvice
	case reSciNumber.MatchString(id):
		return fmt.Sprintf("身份证号被Excel存成了数字（显示为%s），后几位已丢失无法恢复；%s", id, excelNumberAdvice)
	}
	return "身份证号被Excel存成了数字，末几位已被改写或丢失；" + excelNumberAdvice
}

func (r *Report) addWarning(row int, col, val, reason string) {
	r.Warnings = append(r.Warnings, &FieldError{File: r.File, Row: row, Column: col, Value: trim(val), Reason: reason})
}

// photo reads, checks and normalises the applicant's photo. It sets
// a.Photo to the content name and a.PhotoJPEG to the JPEG; it returns a
// per-row error, or a warning when there is simply no photo. With
// onDisk, a photo kept byte for byte from a file of the folder is not
// held: file names it instead and a.PhotoJPEG stays empty.
func (t *sheetTable) photo(rec *rawRecord, a *Applicant, folder *photoFolder, onDisk bool) (fe, warn *FieldError, file photoFile) {
	named := a.Photo
	a.Photo = ""
	var (
		data   []byte
		norm   *prefetched // already normalised by the prefetch
		source string
	)
	switch {
	case rec.pictErr != "":
		return &FieldError{Column: ColPhoto, Reason: rec.pictErr}, nil, photoFile{}
	case rec.picture != nil:
		data, source = rec.picture, "表格中嵌入的照片"
	case named != "":
		if folder == nil {
			return &FieldError{Column: ColPhoto, Value: named, Reason: fmt.Sprintf("照片栏写了文件名“%s”，但未指定照片文件夹（--photos）", named)}, nil, photoFile{}
		}
		b, pre, path, reason := folder.read(named)
		if reason != "" {
			return &FieldError{Column: ColPhoto, Value: named, Reason: reason}, nil, photoFile{}
		}
		data, norm, source, file = b, pre, named, photoFile{path, int64(len(b))}
	case folder != nil && !folder.byIDOff && a.ID != "":
		b, pre, fname := folder.byID(a.ID)
		if b == nil {
			return nil, &FieldError{Row: rec.row, Column: ColPhoto, Reason: fmt.Sprintf("照片文件夹中没有以其身份证号命名的照片（%s.jpg/.png），该学员暂无照片", MaskValue(ColID, a.ID))}, photoFile{}
		}
		data, norm, source, file = b, pre, fname, photoFile{filepath.Join(folder.dir, fname), int64(len(b))}
	default:
		return nil, nil, photoFile{}
	}
	var (
		jpg  []byte
		kept bool
		err  error
	)
	if norm != nil {
		jpg, kept, err = norm.jpg, norm.kept, norm.normErr
	} else {
		jpg, kept, err = normalizePhoto(data, true)
	}
	if err != nil {
		return &FieldError{Column: ColPhoto, Value: source, Reason: err.Error()}, nil, photoFile{}
	}
	a.Photo = PhotoName(jpg)
	if !onDisk || !kept || file == (photoFile{}) { // re-encoded, or from the XLSX
		a.PhotoJPEG, file = jpg, photoFile{}
	}
	// A registration photo is upright (portrait); a landscape one is
	// usually the wrong picture or a scan lying on its side.
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpg)); err == nil && cfg.Width > cfg.Height {
		return nil, &FieldError{Row: rec.row, Column: ColPhoto, Value: source,
			Reason: fmt.Sprintf("照片是横向的（%d×%d像素），证件照应为竖向，请核对是否放错了照片", cfg.Width, cfg.Height)}, file
	}
	return nil, nil, file
}

// photoFolder indexes a folder of photos once, by base name without
// extension, case-insensitively.
type photoFolder struct {
	dir      string
	byBase   map[string][]string // lower-case base name → file names
	byIDOff  bool                // only names from the 照片 column, no lookup by ID
	maxBytes int64               // one photo file
	pre      *photoPrefetch      // files read while the rows were parsed
}

func openPhotoFolder(dir string) (*photoFolder, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("读取照片文件夹 %s: %w", dir, err)
	}
	pf := &photoFolder{dir: dir, byBase: map[string][]string{}}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		n := e.Name()
		base := strings.ToLower(strings.TrimSuffix(n, filepath.Ext(n)))
		pf.byBase[base] = append(pf.byBase[base], n)
	}
	for _, names := range pf.byBase {
		sort.Strings(names)
	}
	return pf, nil
}

// maxPhotoBytes bounds a photo file.
const maxPhotoBytes = 30 << 20

// read opens a file named in the 照片 column, relative to the folder,
// and returns its bytes and path, or the reason it cannot.
func (pf *photoFolder) read(name string) (b []byte, norm *prefetched, file, reason string) {
	if strings.Contains(name, "://") {
		return nil, nil, "", "照片栏填写的是网址，请改为照片文件名，并把照片放入照片文件夹"
	}
	slashed := strings.ReplaceAll(name, `\`, "/")
	clean := filepath.Clean(filepath.FromSlash(slashed))
	if filepath.IsAbs(clean) || strings.HasPrefix(slashed, "/") || (len(slashed) > 1 && slashed[1] == ':') ||
		clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		// An absolute path from someone else's computer (C:\Users\…\张三.jpg),
		// or one leaving the folder: only its base name counts.
		clean = filepath.Base(clean)
	}
	path := filepath.Join(pf.dir, clean)
	if filepath.Ext(clean) == "" {
		// 照片 given without extension: find it by base name.
		if names := pf.byBase[strings.ToLower(clean)]; len(names) > 0 {
			path = filepath.Join(pf.dir, names[0])
		}
	}
	b, norm, err := pf.readPhoto(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, "", fmt.Sprintf("照片文件“%s”在照片文件夹 %s 中不存在", name, pf.dir)
	}
	if err != nil {
		return nil, nil, "", fmt.Sprintf("照片文件“%s”无法读取：%v", name, err)
	}
	return b, norm, path, ""
}

// byID finds <ID>.jpg/.jpeg/.png (any case; a lower-case x tolerated).
func (pf *photoFolder) byID(id string) ([]byte, *prefetched, string) {
	for _, n := range pf.byBase[strings.ToLower(id)] {
		switch strings.ToLower(filepath.Ext(n)) {
		case ".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".bmp", ".gif", ".tif", ".tiff":
			b, norm, err := pf.readPhoto(filepath.Join(pf.dir, n))
			if err == nil {
				return b, norm, n
			}
		}
	}
	return nil, nil, ""
}

func readLimited(path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = maxPhotoBytes
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Sized once from the file's size: a year of photos read with
	// io.ReadAll's doubling made twice their size in garbage.
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Size() <= limit {
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("文件超过%d MB（上限可用环境变量 LINGHANG_IMPORT_MAX_PHOTO_MB 调整）", limit>>20)
	}
	return b, nil
}

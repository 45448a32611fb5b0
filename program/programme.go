package program

import (
	"fmt"
	"strings"
	"time"
)

// Programme is one year of the 领航计划: the official notice with its
// attachments, the cohorts and the registration form definition. It is
// loaded from a human-editable YAML file (templates/programme-2022.yaml).
type Programme struct {
	Year        int    `yaml:"year" json:"year"`
	IssuingBody string `yaml:"issuing_body" json:"issuing_body"` // 发文机关, e.g. 中国科协办公厅
	DocNumber   string `yaml:"doc_number" json:"doc_number"`     // 文号, e.g. 科协办函组字〔2022〕47号
	Title       string `yaml:"title" json:"title"`               // 标题, one string; the renderer balances its lines
	// TitleLines optionally gives the editor's own line breaks for the
	// title (joined they must equal Title). Renderers use them when every
	// line fits the text block, else they balance the lines themselves.
	TitleLines []string `yaml:"title_lines,omitempty" json:"title_lines,omitempty"`
	Addressees string   `yaml:"addressees" json:"addressees"` // 主送, without the trailing colon

	// Lead holds the paragraphs before the first numbered section.
	Lead []string `yaml:"lead" json:"lead"`
	// Body holds the numbered sections (一、…), each with its paragraphs
	// and sub-sections ((一) → 1. → (1)).
	Body []Section `yaml:"body" json:"body"`
	// Contacts closes the body (organisation, person, phones).
	Contacts []Contact `yaml:"contacts" json:"contacts"`
	// Attachments lists the attachments in order (附件：1.… 2.…).
	Attachments []Attachment `yaml:"attachments" json:"attachments"`

	Signature string `yaml:"signature" json:"signature"` // 署名, usually the issuing body
	Date      Date   `yaml:"date" json:"date"`           // 成文日期

	Cohorts []Cohort `yaml:"cohorts" json:"cohorts"`
	Form    FormDef  `yaml:"form" json:"form"`

	// MinAttendance is the share of sessions (percent) an applicant must
	// attend to receive a 结业证书; 0: no requirement.
	MinAttendance int `yaml:"min_attendance,omitempty" json:"min_attendance,omitempty"`
	// SummaryDays is how many days after a cohort's last day its host
	// unit has to submit the summary (总结报告); 0 means 15.
	SummaryDays int `yaml:"summary_deadline_days,omitempty" json:"summary_deadline_days,omitempty"`

	// Source names the file the programme was loaded from (for messages).
	Source string `yaml:"-" json:"-"`
}

// Section is a numbered part of the notice body. Its level follows from its
// depth: 一、 → （一） → 1. → （1）. Number is written as it appears
// ("一、", "（一）", "1.", "（1）"). Heading is empty for run-in items whose
// number is followed directly by the paragraph text ("1.各承办单位要…").
type Section struct {
	Number     string    `yaml:"number" json:"number"`
	Heading    string    `yaml:"heading,omitempty" json:"heading,omitempty"`
	Paragraphs []string  `yaml:"paragraphs,omitempty" json:"paragraphs,omitempty"`
	Sections   []Section `yaml:"sections,omitempty" json:"sections,omitempty"`
}

// Contact is a 联系人 block: an organisation (optional for cohorts), one or
// more persons as written ("郭建斌、李平") and the phones as written.
type Contact struct {
	Org    string   `yaml:"org,omitempty" json:"org,omitempty"`
	Person string   `yaml:"person" json:"person"`
	Phones []string `yaml:"phones" json:"phones"`
}

// Persons splits Person on the enumeration comma.
func (c Contact) Persons() []string {
	var out []string
	for _, p := range strings.FieldsFunc(c.Person, func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Attachment is one entry of the attachment list (附件说明).
type Attachment struct {
	Title string `yaml:"title" json:"title"`
}

// Cohort is one 期 of the programme.
type Cohort struct {
	Number    int       `yaml:"number" json:"number"`                 // 1–10
	Name      string    `yaml:"name" json:"name"`                     // 河南省科协党校班
	Label     string    `yaml:"label" json:"label"`                   // 河南班, as on the registration form
	Time      string    `yaml:"time" json:"time"`                     // 5月下旬，为期5天 (as written)
	Start     Date      `yaml:"start" json:"start"`                   // concrete first day
	End       Date      `yaml:"end" json:"end"`                       // concrete last day
	Location  string    `yaml:"location" json:"location"`             // 地点
	Hosts     []string  `yaml:"hosts" json:"hosts"`                   // 承办单位
	Features  string    `yaml:"features" json:"features"`             // 特色内容
	Note      string    `yaml:"note,omitempty" json:"note,omitempty"` // e.g. 本班学员仅限女性。
	Contacts  []Contact `yaml:"contacts" json:"contacts"`
	WomenOnly bool      `yaml:"women_only,omitempty" json:"women_only,omitempty"`
	Capacity  int       `yaml:"capacity,omitempty" json:"capacity,omitempty"` // 0 = unlimited
	// Tentative marks Start and End as placeholders inferred from the
	// notice's month-level timing (6月底): documents print them as 暂定 and
	// the calendar does not fire triggers on them.
	Tentative bool `yaml:"tentative,omitempty" json:"tentative,omitempty"`

	// Arrival, Schedule and Guests are the host unit's arrangements, for
	// the 报到通知, 日程 and 桌签 (see logistics.go).
	Arrival  Arrival  `yaml:"arrival,omitempty" json:"arrival,omitempty"`
	Schedule Schedule `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	Guests   []Guest  `yaml:"guests,omitempty" json:"guests,omitempty"`
	// DirectoryPhones prints mobile phones in the cohort's 通讯录 (only
	// with the applicants' consent; off by default).
	DirectoryPhones bool `yaml:"directory_phones,omitempty" json:"directory_phones,omitempty"`
}

// Title is the heading used in 附件1 and on documents: "第1期 河南省科协党校班".
func (c Cohort) Title() string { return fmt.Sprintf("第%d期 %s", c.Number, c.Name) }

// WomenOnlyMark follows a women-only cohort's label in choice lists.
const WomenOnlyMark = "（仅限女性）"

// Choice is how the cohort is offered in a choice list (the intake
// template's 选择班次): its form label, marked when it is women-only.
func (c Cohort) Choice() string {
	if c.WomenOnly {
		return c.Label + WomenOnlyMark
	}
	return c.Label
}

// Days lists the cohort's days from Start to End inclusive.
func (c Cohort) Days() []time.Time {
	var out []time.Time
	for d := c.Start.Time; !d.After(c.End.Time); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// FormDef defines the registration form (附件2).
type FormDef struct {
	Title   string   `yaml:"title" json:"title"`       // “领航计划”青年科技领军人才国情研修活动报名表
	BioHint string   `yaml:"bio_hint" json:"bio_hint"` // （学习、工作经历，主要获奖情况，主要社会兼职）
	Notes   []string `yaml:"notes" json:"notes"`       // the 注 lines, without their numbers
	// BioMaxRunes bounds the length of 个人简介 accepted at intake.
	BioMaxRunes int `yaml:"bio_max_runes" json:"bio_max_runes"`
}

// Cohort returns the cohort numbered n.
func (p *Programme) Cohort(n int) (*Cohort, bool) {
	for i := range p.Cohorts {
		if p.Cohorts[i].Number == n {
			return &p.Cohorts[i], true
		}
	}
	return nil, false
}

// Date is a calendar date written as 2022-03-31 in YAML and JSON.
type Date struct{ time.Time }

const dateLayout = "2006-01-02"

// NewDate returns the date y-m-d in UTC.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate parses 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("日期 %q 格式应为 YYYY-MM-DD: %w", s, err)
	}
	return Date{t}, nil
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(dateLayout)
}

// Chinese formats the date as 2022年3月31日.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if len(strings.TrimSpace(string(b))) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

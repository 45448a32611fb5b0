package archive

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind is a document category (文件类别). Its code is English (used in
// flags, metadata and the index); its folder in the archive is Chinese.
type Kind string

// The kinds linghang archives.
const (
	Notice     Kind = "notice"     // 通知
	Form       Kind = "form"       // 报名表
	Badges     Kind = "badges"     // 胸卡
	Roster     Kind = "roster"     // 名单
	Signin     Kind = "signin"     // 签到表
	Summary    Kind = "summary"    // 总结
	Evaluation Kind = "evaluation" // 评估
	Data       Kind = "data"       // 数据（学员数据、照片等）
	// A cohort's paperwork beyond badges and rosters.
	Arrival     Kind = "arrival"     // 报到通知
	Schedule    Kind = "schedule"    // 日程
	Tents       Kind = "tents"       // 桌签
	Directory   Kind = "directory"   // 通讯录
	Certificate Kind = "certificate" // 结业证书
)

// Retention is a 保管期限 of DA/T 22 / 文书档案保管期限表: 永久 or a fixed
// number of years counted from 1 January after the 年度 of the document.
type Retention struct {
	Years int // 0 = 永久
}

// The three retention periods of 文书类 records.
var (
	Permanent = Retention{}          // 永久
	Years30   = Retention{Years: 30} // 定期30年
	Years10   = Retention{Years: 10} // 定期10年
)

// PermanentLock is how long object lock holds a 永久 record. S3 has no
// "forever" retention; a hundred years in COMPLIANCE mode is as good.
const PermanentLock = 100

func (r Retention) String() string {
	if r.Years == 0 {
		return "永久"
	}
	return fmt.Sprintf("定期%d年", r.Years)
}

// ParseRetention parses 永久 or 定期N年 (also "permanent", "30y", "30").
func ParseRetention(s string) (Retention, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "永久", "permanent":
		return Permanent, nil
	}
	t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(s, "定期"), "年"), "y")
	var n int
	if _, err := fmt.Sscanf(t, "%d", &n); err != nil || n <= 0 || n > 1000 || fmt.Sprint(n) != t {
		return Retention{}, fmt.Errorf("保管期限 %q 无效：应为“永久”或“定期N年”", s)
	}
	return Retention{Years: n}, nil
}

// Until is the end of retention for a document of the given 年度: the
// retention period counts from 1 January of the following year.
func (r Retention) Until(year int) time.Time {
	n := r.Years
	if n == 0 {
		n = PermanentLock
	}
	return time.Date(year+1+n, time.January, 1, 0, 0, 0, 0, time.UTC)
}

type kindInfo struct {
	folder    string // folder in the archive and Chinese name
	retention Retention
}

// kinds maps each kind to its folder and default retention. The
// retention follows the 文书档案保管期限表 pattern: the notice a body issues
// under its 文号 is kept permanently; records about persons and the
// programme's outcome (报名表, 名单, 总结, 学员数据) 30 years; working papers
// (胸卡, 签到表, 评估) 10 years.
var kinds = map[Kind]kindInfo{
	Notice:     {"通知", Permanent},
	Form:       {"报名表", Years30},
	Badges:     {"胸卡", Years10},
	Roster:     {"名单", Years30},
	Signin:     {"签到表", Years10},
	Summary:    {"总结", Years30},
	Evaluation: {"评估", Years10},
	Data:       {"数据", Years30},
	// Certificates are records about persons (30 years); the rest are
	// working papers of a cohort (10 years).
	Arrival:     {"报到通知", Years10},
	Schedule:    {"日程", Years10},
	Tents:       {"桌签", Years10},
	Directory:   {"通讯录", Years10},
	Certificate: {"结业证书", Years30},
}

// Kinds lists every kind in a stable order.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return kindOrder(out[i]) < kindOrder(out[j]) })
	return out
}

func kindOrder(k Kind) int {
	for i, v := range []Kind{Notice, Form, Badges, Roster, Signin, Summary, Evaluation, Data, Arrival, Schedule, Tents, Directory, Certificate} {
		if v == k {
			return i
		}
	}
	return len(kinds)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kinds[k]; return ok }

// Folder is the Chinese folder name of the kind (通知, 报名表, …), which is
// also its Chinese name.
func (k Kind) Folder() string { return kinds[k].folder }

// Retention is the default 保管期限 of the kind.
func (k Kind) Retention() Retention { return kinds[k].retention }

// ParseKind accepts the English code (badges) or the Chinese name (胸卡).
func ParseKind(s string) (Kind, error) {
	s = strings.TrimSpace(s)
	if k := Kind(strings.ToLower(s)); k.Valid() {
		return k, nil
	}
	for k, ki := range kinds {
		if ki.folder == s {
			return k, nil
		}
	}
	names := make([]string, 0, len(kinds))
	for _, k := range Kinds() {
		names = append(names, fmt.Sprintf("%s(%s)", k, k.Folder()))
	}
	return "", fmt.Errorf("文件类别 %q 无效，可选：%s", s, strings.Join(names, "、"))
}

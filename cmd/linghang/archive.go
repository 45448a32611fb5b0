package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"linghang/storage/archive"
)

// archiveCommands are the subcommands of `linghang archive`.
func archiveCommands() map[string]command {
	return map[string]command{
		"ls":      {"列出当前版本的文档（可按键前缀，如 2022/第03期）", archiveLs},
		"find":    {"按年度、类别、期次、题名、学员姓名、文号查找文档", archiveFind},
		"get":     {"取出文档的当前版本或指定版本（校验 SHA-256）", archiveGet},
		"history": {"显示文档的全部版本", archiveHistory},
		"runs":    {"列出已提交的批次（每次运行一份清单）", archiveRuns},
		"verify":  {"重算全部版本的 SHA-256，报告缺失、被改动和未登记的对象", archiveVerify},
		"reindex": {"根据对象元数据重建索引（索引丢失或过期时）", archiveReindex},
		"flush":   {"上传暂存区中等待的文档，补全中断的批次", archiveFlush},
	}
}

func runArchive(ctx context.Context, e *env, args []string) error {
	cmds := archiveCommands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		names := make([]string, 0, len(cmds))
		for n := range cmds {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(e.stdout, "用法: linghang archive <操作> [参数]\n\n归档库保存生成的每一份文档：不可覆盖的版本、档案元数据（GB/T 18894）、索引与完整性校验。\n\n操作:")
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-8s %s\n", n, cmds[n].summary)
		}
		fmt.Fprintln(e.stdout, "\n每个操作均支持 --help 和 --store（本地目录或 s3://存储桶/前缀；默认取环境变量 LINGHANG_STORE，再默认 ./linghang-data）。")
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("未知的归档操作 %q（可选: ls, find, get, history, runs, verify, reindex, flush）", args[0])
	}
	return c.run(ctx, e, args[1:])
}

// archiveFlags is the flag set of one archive operation with the flags
// every operation shares.
type archiveFlags struct {
	*flag.FlagSet
	store, spool *string
}

func newArchiveFlags(e *env, name, usage, about string) archiveFlags {
	fs := flag.NewFlagSet("archive "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	af := archiveFlags{
		FlagSet: fs,
		store:   fs.String("store", "", "归档存储：本地目录或 s3://存储桶/前缀（默认 $LINGHANG_STORE，再默认 ./linghang-data）"),
		spool:   fs.String("spool", "", "暂存目录：存储不可用时文档在此等待（默认 $LINGHANG_SPOOL，再默认 "+archive.DefaultSpoolDir()+"）"),
	}
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang archive %s\n\n%s\n\n参数:\n", usage, about)
		fs.PrintDefaults()
	}
	return af
}

// parse parses flags given before, between or after the positional
// arguments and returns the positional ones. done is true for --help.
func (af archiveFlags) parse(args []string) (pos []string, done bool, err error) {
	return parseWithArgs(af.FlagSet, args)
}

func (af archiveFlags) open(ctx context.Context, e *env) (*archive.Archive, error) {
	st, err := openStore(ctx, e, *af.store)
	if err != nil {
		return nil, err
	}
	spool := *af.spool
	if spool == "" {
		spool = e.getenv("LINGHANG_SPOOL")
	}
	return archive.New(st, archive.Options{Program: "linghang", Version: version, SpoolDir: spool}), nil
}

// openBare parses the flags of an operation that takes no positional
// argument and opens the archive; a nil archive with a nil error means
// --help was shown.
func (af archiveFlags) openBare(ctx context.Context, e *env, args []string) (*archive.Archive, error) {
	pos, done, err := af.parse(args)
	if done || err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, fmt.Errorf("多余的参数 %q", pos)
	}
	return af.open(ctx, e)
}

// findAndPrint opens the archive, runs q on its index and prints the
// entries as a table (or JSON Lines).
func (af archiveFlags) findAndPrint(ctx context.Context, e *env, q archive.Query, asJSON bool) error {
	a, err := af.open(ctx, e)
	if err != nil {
		return err
	}
	es, err := a.Find(ctx, q)
	if err != nil {
		return err
	}
	// The index is all Find reads: a lost or stale one would make an
	// incomplete answer (or 没有符合条件的文档) look like the truth.
	if cerr := a.CheckIndex(ctx); cerr != nil {
		if len(es) > 0 {
			if err := printEntries(e.stdout, es, asJSON); err != nil {
				return err
			}
		}
		return cerr
	}
	return printEntries(e.stdout, es, asJSON)
}

func archiveLs(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "ls", "ls [前缀] [--all] [--json]", "列出归档中各文档的当前版本；前缀按文档键匹配，如 2022/ 或 2022/第03期。")
	all := af.Bool("all", false, "同时列出被取代的旧版本")
	asJSON := af.Bool("json", false, "以 JSON Lines 输出（每行一条档案记录）")
	pos, done, err := af.parse(args)
	if done || err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("多余的参数 %q：ls 只接受一个前缀", pos[1:])
	}
	q := archive.Query{AllVersions: *all}
	if len(pos) == 1 {
		q.Prefix = pos[0]
	}
	return af.findAndPrint(ctx, e, q, *asJSON)
}

func archiveFind(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "find", "find [--year 2022] [--kind 报名表] [--cohort 3] [--title 词] [--name 姓名] [--docno 文号]",
		"按档案元数据在索引中查找文档（不遍历存储桶）。条件可组合，全部满足才列出；题名可写多个词（空格分隔）。")
	year := af.Int("year", 0, "年度")
	kind := af.String("kind", "", "文件类别：notice|form|badges|roster|signin|summary|evaluation|data 或 通知|报名表|胸卡|名单|签到表|总结|评估|数据")
	cohort := af.Int("cohort", 0, "期次（1–10）")
	title := af.String("title", "", "题名中的词")
	name := af.String("name", "", "学员姓名")
	docno := af.String("docno", "", "文号（如 科协办函组字〔2022〕47号，括号写法不限）")
	all := af.Bool("all", false, "同时列出被取代的旧版本")
	asJSON := af.Bool("json", false, "以 JSON Lines 输出")
	pos, done, err := af.parse(args)
	if done || err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("多余的参数 %q：查找条件请用 --title、--name 等参数", pos)
	}
	q := archive.Query{Year: *year, Cohort: *cohort, Title: *title, Name: *name, DocNumber: *docno, AllVersions: *all}
	if *kind != "" {
		if q.Kind, err = archive.ParseKind(*kind); err != nil {
			return err
		}
	}
	if q.Year < 0 || q.Cohort < 0 {
		return errors.New("--year 和 --cohort 不能为负数")
	}
	return af.findAndPrint(ctx, e, q, *asJSON)
}

func archiveGet(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "get", "get 文档键 [--version N] [-o 文件|-]",
		"取出文档（默认当前版本），边读边校验 SHA-256；内容与归档记录不符时不留下输出文件。\n文档键即 ls/find 列出的键，也可以是某个版本对象的键（…v0002.pdf）。")
	ver := af.Int("version", 0, "版本号（默认当前版本）")
	out := af.String("o", "", "输出文件；- 表示标准输出（默认当前目录下的同名文件）")
	force := af.Bool("force", false, "覆盖已存在的输出文件")
	pos, done, err := af.parse(args)
	if done || err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("请给出一个文档键，例如 linghang archive get 2022/通知/通知-科协办函组字〔2022〕47号.pdf")
	}
	if *ver < 0 {
		return fmt.Errorf("--version %d 无效", *ver)
	}
	a, err := af.open(ctx, e)
	if err != nil {
		return err
	}
	rc, ent, err := a.Open(ctx, pos[0], *ver)
	if err != nil {
		return err
	}
	defer rc.Close()
	if *out == "-" {
		if _, err := io.Copy(e.stdout, rc); err != nil {
			return fmt.Errorf("取出 %s 第 %d 版：%w", ent.Key, ent.Version, err)
		}
		return nil
	}
	dst := *out
	if dst == "" {
		dst = path.Base(ent.Key)
	}
	if _, err := os.Stat(dst); err == nil && !*force {
		return fmt.Errorf("输出文件 %s 已存在（用 --force 覆盖，或用 -o 指定其他文件）", dst)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*")
	if err != nil {
		return fmt.Errorf("写入 %s：%w", dst, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, rc); err != nil {
		tmp.Close()
		return fmt.Errorf("取出 %s 第 %d 版：%w", ent.Key, ent.Version, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("写入 %s：%w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("写入 %s：%w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("写入 %s：%w", dst, err)
	}
	fmt.Fprintf(e.stderr, "已取出 %s 第 %d 版（%s，SHA-256 已校验）→ %s\n", ent.Key, ent.Version, archive.HumanSize(ent.Size), dst)
	return nil
}

func archiveHistory(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "history", "history 文档键 [--json]", "显示文档的全部版本：归档时间、生成它的运行、大小和 SHA-256。")
	asJSON := af.Bool("json", false, "以 JSON Lines 输出")
	pos, done, err := af.parse(args)
	if done || err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("请给出一个文档键，例如 linghang archive history 2022/通知/通知-科协办函组字〔2022〕47号.pdf")
	}
	a, err := af.open(ctx, e)
	if err != nil {
		return err
	}
	hist, err := a.History(ctx, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, hist)
	}
	fmt.Fprintf(e.stdout, "%s\n题名：%s\n\n", hist[0].Key, hist[len(hist)-1].Title)
	rows := [][]string{{"版本", "当前", "归档时间", "日期", "大小", "SHA-256", "运行编号", "文档创建程序", "作废说明"}}
	for _, h := range hist {
		cur := ""
		if h.Current {
			cur = "是"
		}
		rows = append(rows, []string{
			versionLabel(h), cur, localTime(h.Archived), h.Date, archive.HumanSize(h.Size),
			h.SHA256[:min(12, len(h.SHA256))], h.RunID, h.Creator, h.Withdrawn,
		})
	}
	return writeTable(e.stdout, rows)
}

func archiveRuns(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "runs", "runs", "列出已提交的批次：每次作业运行写一份清单 _runs/<运行编号>.json，列出它归档的文档及 SHA-256。\n“补交”表示该批次中断或遇到存储故障，由之后的运行或 flush 完成。")
	a, err := af.openBare(ctx, e, args)
	if a == nil || err != nil {
		return err
	}
	runs, err := a.Runs(ctx)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		_, err := fmt.Fprintln(e.stdout, "（还没有已提交的批次）")
		return err
	}
	rows := [][]string{{"运行编号", "提交时间", "文档", "新版本", "新增大小", "补交", "文档创建程序"}}
	for _, r := range runs {
		rec := ""
		if r.Recovered {
			rec = "是"
		}
		rows = append(rows, []string{r.RunID, localTime(r.Committed), strconv.Itoa(r.Docs), strconv.Itoa(r.New),
			archive.HumanSize(r.Bytes), rec, r.Creator})
	}
	return writeTable(e.stdout, rows)
}

func archiveVerify(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "verify", "verify", "读取归档中的每个版本，重算 SHA-256 和大小并与索引比对；报告缺失、被改动、无法读取的对象，以及不在索引中的版本对象。\n发现问题时退出码为 1。")
	a, err := af.openBare(ctx, e, args)
	if a == nil || err != nil {
		return err
	}
	rep, err := a.Verify(ctx, e.stdout)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("校验发现 %d 个问题（见上表）", len(rep.Problems))
	}
	return nil
}

func archiveReindex(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "reindex", "reindex", "根据各版本对象自带的元数据（及运行清单）重建各年度索引 _index/<年度>.jsonl。\n只收录已提交批次（有运行清单）的版本；未提交批次的版本列为孤立对象。")
	a, err := af.openBare(ctx, e, args)
	if a == nil || err != nil {
		return err
	}
	rep, err := a.Reindex(ctx)
	if err != nil {
		return err
	}
	for _, o := range rep.Orphans {
		fmt.Fprintf(e.stdout, "孤立\t%s\t所属批次没有运行清单，未收录\n", o)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "跳过\t%s\n", s)
	}
	for _, d := range rep.Damaged {
		fmt.Fprintf(e.stdout, "受损\t%s\n", d)
	}
	years := make([]string, len(rep.Years))
	for i, y := range rep.Years {
		years[i] = strconv.Itoa(y)
	}
	fmt.Fprintf(e.stdout, "已重建 %s 年度索引，共 %d 个版本；孤立 %d 个，跳过 %d 个，受损 %d 个。\n",
		strings.Join(years, "、"), rep.Entries, len(rep.Orphans), len(rep.Skipped), len(rep.Damaged))
	if len(rep.Damaged) > 0 {
		// The index is rebuilt, but the archive is not healthy: say so in
		// the exit status, as verify does.
		return fmt.Errorf("%d 个已归档版本缺失或内容被改动（仍保留在索引中），请运行 linghang archive verify 查看并处理", len(rep.Damaged))
	}
	return nil
}

func archiveFlush(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "flush", "flush", "把暂存区中等待的文档上传到归档存储，为中断的批次写入运行清单并更新索引。\n正在运行的批次不受影响。存储仍不可用时文档留在暂存区，退出码为 1。")
	a, err := af.openBare(ctx, e, args)
	if a == nil || err != nil {
		return err
	}
	rep, err := a.Flush(ctx)
	for _, r := range rep.Runs {
		fmt.Fprintf(e.stdout, "已补交\t%s\n", r)
	}
	for _, r := range rep.Busy {
		fmt.Fprintf(e.stdout, "运行中\t%s\t（该批次仍在进行，未处理）\n", r)
	}
	for _, r := range rep.Other {
		fmt.Fprintf(e.stdout, "其他存储\t%s\t（属于另一个归档存储，请用对应的 --store 执行 flush）\n", r)
	}
	fmt.Fprintf(e.stdout, "暂存区 %s：补交 %d 个批次，上传 %d 份文档，仍在等待 %d 份。\n",
		a.SpoolDir(), len(rep.Runs), rep.Uploaded, rep.Pending)
	return err
}

// printEntries prints archive entries as a table, or as JSON Lines.
func printEntries(w io.Writer, es []archive.Entry, asJSON bool) error {
	if asJSON {
		return printJSON(w, es)
	}
	if len(es) == 0 {
		_, err := fmt.Fprintln(w, "（没有符合条件的文档）")
		return err
	}
	rows := [][]string{{"文档键", "版本", "类别", "日期", "大小", "题名", "文号", "学员"}}
	var total int64
	for _, x := range es {
		rows = append(rows, []string{
			x.Key, versionLabel(x), x.Kind.Folder(), x.Date, archive.HumanSize(x.Size),
			clip(x.Title, 36), x.DocNumber, clip(strings.Join(x.Names, "、"), 16),
		})
		total += x.Size
	}
	if err := writeTable(w, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "共 %d 份，%s\n", len(es), archive.HumanSize(total))
	return err
}

func printJSON(w io.Writer, es []archive.Entry) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, x := range es {
		if err := enc.Encode(x); err != nil {
			return err
		}
	}
	return nil
}

func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(time.Local).Format("2006-01-02 15:04")
}

// displayWidth is the width of s in a terminal: East Asian wide and
// full-width characters take two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// clip shortens s to at most max display columns, ending in "…".
func clip(s string, max int) string {
	if displayWidth(s) <= max {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := displayWidth(string(r))
		if n+w > max-1 {
			break
		}
		b.WriteRune(r)
		n += w
	}
	return b.String() + "…"
}

// writeTable writes rows (the first is the header) in columns aligned by
// display width, two spaces apart, with a rule under the header.
func writeTable(w io.Writer, rows [][]string) error {
	if len(rows) == 0 {
		return nil
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	line := func(r []string) {
		var l strings.Builder
		for i, c := range r {
			l.WriteString(c)
			if i < len(r)-1 {
				l.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteString("\n")
	}
	line(rows[0])
	total := 0
	for _, wd := range widths {
		total += wd + 2
	}
	b.WriteString(strings.Repeat("-", total-2) + "\n")
	for _, r := range rows[1:] {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// versionLabel is v3, or v3 作废 for a version that withdraws its document.
func versionLabel(e archive.Entry) string {
	if e.Withdrawn != "" {
		return fmt.Sprintf("v%d 作废", e.Version)
	}
	return fmt.Sprintf("v%d", e.Version)
}

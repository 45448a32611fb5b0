package main

import (
	"context"
	"fmt"
	"sort"
)

// renderKinds are the document kinds of `linghang render KIND`.
func renderKinds() map[string]command {
	return map[string]command{
		"all":    {"按文档目录生成任意部分（--job/--cohort/--entry）到文件夹，不写入归档", renderAll},
		"notice": {"通知（GB/T 9704 信函格式 PDF，或可编辑 DOCX）", renderNotice},
		"form":   {"空白报名表 PDF（--blank）", renderForm},
		"forms":  {"每位学员已填写的报名表 PDF（附照片），并按班次合订", renderForms},
		"badges": {"胸卡 PDF（a4-8 / a6 版式）", renderBadges},
		"roster": {"学员名单（XLSX 或 PDF）", renderRoster},
		"signin": {"签到表 PDF（每天或每半天一页）", renderSignin},
		// Issue 15.
		"intake-template": {"报名汇总表 XLSX 模板（推荐单位填写，import 直接读入）", renderIntakeTemplate},
		"checkin-notice":  {"报到通知（承办单位信函格式 PDF 或 DOCX，每人一封）", renderCheckinNotice},
		// Summaries and evaluation (issue 10).
		"summary-template": {"承办单位总结模板（总结报告 DOCX / 总结数据 XLSX）", renderSummaryTemplate},
		"summary":          {"某期的活动总结报告 PDF（含学员构成图表、考勤、反馈、承办单位总结）", renderSummaryReport},
		"evaluation":       {"年度评估：全部班次比较与排名（PDF / XLSX 含图表）", renderEvaluation},
	}
}

func runRender(ctx context.Context, e *env, args []string) error {
	kinds := renderKinds()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		names := make([]string, 0, len(kinds))
		for n := range kinds {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(e.stdout, "用法: linghang render <文档类型> [参数]\n\n文档类型:")
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-16s %s\n", n, kinds[n].summary)
		}
		return nil
	}
	k, ok := kinds[args[0]]
	if !ok {
		return fmt.Errorf("未知的文档类型 %q（可选: all, notice, form, forms, badges, roster, signin, intake-template, checkin-notice, summary-template, summary, evaluation）", args[0])
	}
	return k.run(ctx, e, args[1:])
}

package archive

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// IndexError reports an index that does not list every committed
// version: a year index deleted or lost, or a run whose index update
// never happened (a crash between its manifest and the index). Find
// answers from the index alone, so until `linghang archive reindex`
// rebuilds it, what Find says is incomplete.
type IndexError struct {
	Years   []int    // years with committed versions but no index at all
	Runs    []string // committed runs with versions missing from the index
	Missing int      // versions missing from the index
}

func (e *IndexError) Error() string {
	var b strings.Builder
	if len(e.Years) > 0 {
		ys := make([]string, len(e.Years))
		for i, y := range e.Years {
			ys[i] = strconv.Itoa(y)
		}
		fmt.Fprintf(&b, "%s 年度的索引不存在（已被删除或未写成），", strings.Join(ys, "、"))
	} else {
		b.WriteString("索引已过期，")
	}
	runs := e.Runs
	more := ""
	if len(runs) > 3 {
		runs, more = runs[:3], fmt.Sprintf("等 %d 个", len(e.Runs))
	}
	fmt.Fprintf(&b, "已提交批次 %s%s 的 %d 个版本不在索引中，列出和查询的结果不完整；请运行 linghang archive reindex 重建索引",
		strings.Join(runs, "、"), more, e.Missing)
	return b.String()
}

// CheckIndex compares the index with the run manifests: every version a
// committed run names must be in its year's index. It returns an
// *IndexError when some are not, nil when the index is complete. Only
// the manifests of runs that no index entry names are read (runs that
// made no new version, and runs the index has lost), so a healthy
// archive costs one listing and the index reads Find does anyway. A run
// that wrote to several years and lost the index of only one of them is
// not seen here (its run is named by the other year's index); `archive
// verify` finds those.
func (a *Archive) CheckIndex(ctx context.Context) error {
	ids, err := a.runIDs(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	all, err := a.entries(ctx, 0)
	if err != nil {
		return err
	}
	indexedRun, indexedObj, indexedYear := map[string]bool{}, map[string]bool{}, map[int]bool{}
	for _, e := range all {
		indexedRun[e.RunID] = true
		indexedObj[e.Object] = true
		indexedYear[e.Year] = true
	}
	years, err := a.Years(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		indexedYear[y] = true
	}
	var todo []string
	for _, id := range ids {
		if !indexedRun[id] {
			todo = append(todo, id)
		}
	}
	ms := make([]*Manifest, len(todo))
	err = a.parallel(ctx, len(todo), func(i int) error {
		m, err := a.Manifest(ctx, todo[i])
		ms[i] = m
		return err
	})
	if err != nil {
		return err
	}
	ie := &IndexError{}
	noIndex, missing := map[int]bool{}, map[string]bool{}
	for _, m := range ms {
		lost := false
		for _, e := range m.Entries {
			if indexedObj[e.Object] {
				continue
			}
			lost = true
			missing[e.Object] = true
			if !indexedYear[e.Year] {
				noIndex[e.Year] = true
			}
		}
		if lost {
			ie.Runs = append(ie.Runs, m.RunID)
		}
	}
	ie.Missing = len(missing)
	if ie.Missing == 0 {
		return nil
	}
	for y := range noIndex {
		ie.Years = append(ie.Years, y)
	}
	sort.Ints(ie.Years)
	sort.Strings(ie.Runs)
	return ie
}

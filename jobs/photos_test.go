package jobs

import (
	"context"
	"errors"
	"strings"
	"testing"

	"linghang/program"
	"linghang/storage"
	"linghang/storage/archive"
)

// TestDamagedPhotoFailsOnlyItsDocuments: photos are read as documents are
// rendered; one that is damaged in the store (or gone) fails the documents
// that draw it — that person's form, the cohort's bound copy and badges —
// naming the person, and every other document is still archived.
func TestDamagedPhotoFailsOnlyItsDocuments(t *testing.T) {
	for _, tt := range []struct {
		name   string
		damage func(ctx context.Context, st storage.Store, obj string) error
		want   string
	}{
		{"content changed", func(ctx context.Context, st storage.Store, obj string) error {
			_, err := st.Put(ctx, obj, strings.NewReader("not the photo"), storage.PutOptions{})
			return err
		}, "内容与名称不符"},
		{"deleted", func(ctx context.Context, st storage.Store, obj string) error {
			return st.Delete(ctx, obj)
		}, "读取"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := fsStore(t)
			p0, _ := program.Default()
			set := sampleSet(t, p0, 5)
			for i := range set.Applicants {
				set.Applicants[i].Cohort = 4
			}
			victim := set.Applicants[1]
			pl := testPipeline(t, st, set)
			ctx := context.Background()
			es, err := pl.Archive.Find(ctx, archive.Query{Year: 2022, Kind: archive.Data, Prefix: "2022/数据/"})
			if err != nil {
				t.Fatal(err)
			}
			damaged := 0
			for _, e := range es {
				if strings.HasSuffix(e.Key, "照片-"+victim.Photo) {
					if err := tt.damage(ctx, st, e.Object); err != nil {
						t.Fatal(err)
					}
					damaged++
				}
			}
			if damaged != 1 {
				t.Fatalf("found %d archived photos of %s among %d data entries", damaged, victim.Name, len(es))
			}

			_, out, err := pl.Run(ctx, Request{Job: JobRegistrationClose, Cohorts: []int{4}})
			var df *DocsFailed
			if !errors.As(err, &df) {
				t.Fatalf("err = %v, want the failed documents", err)
			}
			var failed []string
			for _, f := range out.Failures {
				failed = append(failed, f.Doc.Filename)
				if msg := f.Err.Error(); !strings.Contains(msg, victim.Name) || !strings.Contains(msg, tt.want) {
					t.Errorf("failure of %s: %q does not name %s and %q", f.Doc.Filename, msg, victim.Name, tt.want)
				}
			}
			joined := strings.Join(failed, " ")
			if len(failed) != 3 || !strings.Contains(joined, "报名表合订本") || !strings.Contains(joined, "胸卡") || !strings.Contains(joined, victim.Name) {
				t.Errorf("failed %v; want %s's form, the bound copy and the badges", failed, victim.Name)
			}
			forms := 0
			for _, k := range out.Keys {
				if strings.Contains(k, "/报名表/报名表-") {
					forms++
				}
			}
			if forms != 4 {
				t.Errorf("%d forms archived, want the other 4 (keys %v)", forms, out.Keys)
			}
		})
	}
}

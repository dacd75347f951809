package survey_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/survey"
)

func TestShareAndMean(t *testing.T) {
	for _, c := range []struct {
		n, total int64
		want     float64
	}{
		{0, 0, 0}, {0, 3, 0}, {1, 3, 33.3}, {2, 3, 66.7}, {3, 3, 100}, {1, 16, 6.3}, {1, 8, 12.5}, {1, 2000, 0.1}, {1, 2001, 0}, {5, 6, 83.3},
	} {
		if got := survey.Share(c.n, c.total); got != c.want {
			t.Errorf("Share(%d, %d) = %v, want %v", c.n, c.total, got, c.want)
		}
	}
	if survey.Mean(5, 0) != nil {
		t.Error("a mean of nothing")
	}
	for _, c := range []struct {
		sum, n int64
		want   float64
	}{{10, 3, 3.33}, {11, 3, 3.67}, {7, 2, 3.5}, {1, 8, 0.13}, {5, 1, 5}} {
		if got := survey.Mean(c.sum, c.n); got == nil || *got != c.want {
			t.Errorf("Mean(%d, %d) = %v, want %v", c.sum, c.n, got, c.want)
		}
	}
}

// respondAll has six residents answer: single 1,1,1,2,2,3; multiple
// {1,2},{1},{},{2,3},{1,4},{} ; scale 5,4,4,3,(none),2; text twice.
func (f *fixture) respondAll(t *testing.T, id string) {
	t.Helper()
	rows := []survey.ResponseIn{
		answers([]int64{1}, []int64{1, 2}, 5, "晚上车位太少"),
		answers([]int64{1}, []int64{1}, 4, ""),
		answers([]int64{1}, nil, 4, ""),
		answers([]int64{2}, []int64{2, 3}, 3, "我的电话13912345678，请联系我"),
		answers([]int64{2}, []int64{1, 4}, 0, ""),
		answers([]int64{3}, nil, 2, ""),
	}
	for i, in := range rows {
		if _, err := f.s.Respond(context.Background(), f.residents[i], id, in); err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
	}
}

func TestResults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.open(t, f.full(t, survey.New{}))
		f.respondAll(t, v.ID)
		_, _, err := f.s.Results(ctx, f.residents[0], v.ID)
		wantCode(t, err, errs.Forbidden, "a resident's results while open")
		r, _, err := f.s.Results(ctx, f.grid, v.ID)
		must(t, err)
		if r.Responses != 6 || !r.Texts || len(r.Questions) != 4 {
			t.Fatalf("results: %+v", r)
		}
		counts := func(q survey.QuestionResult) string {
			var b strings.Builder
			for _, c := range q.Counts {
				fmt.Fprintf(&b, "%s=%d/%v ", c.Label, c.Count, c.Share)
			}
			return strings.TrimSpace(b.String())
		}
		single, multi, scale, text := r.Questions[0], r.Questions[1], r.Questions[2], r.Questions[3]
		if single.Answered != 6 || counts(single) != "有=3/50 没有=2/33.3 计划购买=1/16.7" {
			t.Errorf("single: %d %s", single.Answered, counts(single))
		}
		if multi.Answered != 4 || counts(multi) != "充电桩=3/75 非机动车棚=2/50 访客车位=1/25 监控=1/25" {
			t.Errorf("multiple: %d %s", multi.Answered, counts(multi))
		}
		if scale.Answered != 5 || scale.Sum != 18 || scale.Mean == nil || *scale.Mean != 3.6 || counts(scale) != "1=0/0 2=1/20 3=1/20 4=2/40 5=1/20" {
			t.Errorf("scale: %d sum %d mean %v %s", scale.Answered, scale.Sum, scale.Mean, counts(scale))
		}
		if text.Answered != 2 || len(text.Answers) != 2 || len(text.Counts) != 0 {
			t.Errorf("text: %+v", text)
		}
		// Closed, the residents read the choices and never the free text.
		_, err = f.s.Close(ctx, f.grid, v.ID)
		must(t, err)
		r, _, err = f.s.Results(ctx, f.residents[5], v.ID)
		must(t, err)
		if r.Texts || r.Questions[3].Answers != nil || r.Questions[3].Answered != 2 || counts(r.Questions[0]) != "有=3/50 没有=2/33.3 计划购买=1/16.7" {
			t.Errorf("a resident's results: %+v", r)
		}
		var buf bytes.Buffer
		_, vv, _ := f.s.Results(ctx, f.residents[5], v.ID)
		must(t, survey.WriteResults(&buf, vv, r))
		if strings.Contains(buf.String(), "13912345678") || sheetText(t, buf.Bytes(), "文字回答") != "" {
			t.Error("the resident's workbook holds free text")
		}
		_, _, err = f.s.Results(ctx, f.outsider, v.ID)
		wantCode(t, err, errs.NotFound, "an outsider's results")
	})
}

func TestLiveResults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.open(t, f.full(t, survey.New{LiveResults: true}))
		_, _, err := f.s.Results(ctx, f.residents[0], v.ID)
		wantCode(t, err, errs.Forbidden, "live results before answering")
		got, err := f.s.Respond(ctx, f.residents[0], v.ID, answers([]int64{2}, nil, 0, "想法"))
		must(t, err)
		if !got.ResultsOpen {
			t.Error("results not open after answering")
		}
		r, _, err := f.s.Results(ctx, f.residents[0], v.ID)
		must(t, err)
		if r.Responses != 1 || r.Questions[0].Counts[1].Count != 1 || r.Questions[3].Answers != nil {
			t.Errorf("live results: %+v", r)
		}
	})
}

// sheetText is the text of a sheet's cells, "" when there is no such sheet.
func sheetText(t *testing.T, b []byte, sheet string) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	must(t, err)
	defer x.Close()
	rows, err := x.GetRows(sheet)
	if err != nil {
		return ""
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "|"))
	}
	return strings.Join(out, "\n")
}

func TestWorkbooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.open(t, f.full(t, survey.New{}))
		f.respondAll(t, v.ID)
		r, vv, err := f.s.Results(ctx, f.grid, v.ID)
		must(t, err)
		var buf bytes.Buffer
		must(t, survey.WriteResults(&buf, vv, r))
		res := sheetText(t, buf.Bytes(), "结果")
		for _, want := range []string{"答卷数 / Responses|6", "第1题（单选）您是否有私家车？", "有|3|50", "没有|2|33.3", "充电桩|3|75", "4|2|40", "平均分 / Mean|3.6"} {
			if !strings.Contains(res, want) {
				t.Errorf("results sheet lacks %q:\n%s", want, res)
			}
		}
		if texts := sheetText(t, buf.Bytes(), "文字回答"); !strings.Contains(texts, "晚上车位太少") {
			t.Errorf("texts sheet: %s", texts)
		}
		buf.Reset()
		must(t, f.s.WriteResponses(ctx, f.grid, v.ID, &buf))
		all := sheetText(t, buf.Bytes(), "答卷")
		lines := strings.Split(all, "\n")
		if len(lines) != 7 || !strings.Contains(lines[0], "答卷人") || !strings.Contains(all, "139****0000") || !strings.Contains(all, "充电桩；非机动车棚") ||
			strings.Contains(all, "13900000000") {
			t.Errorf("responses sheet:\n%s", all)
		}
		err = f.s.WriteResponses(ctx, f.residents[0], v.ID, &buf)
		wantCode(t, err, errs.Forbidden, "a resident exports the responses")

		// An anonymous survey: no respondent, no time, in the export or the rows.
		anon := f.open(t, f.full(t, survey.New{Anonymous: true}))
		f.respondAll(t, anon.ID)
		buf.Reset()
		must(t, f.s.WriteResponses(ctx, f.office, anon.ID, &buf))
		all = sheetText(t, buf.Bytes(), "答卷")
		if strings.Contains(all, "答卷人") || strings.Contains(all, "139****") || len(strings.Split(all, "\n")) != 7 {
			t.Errorf("anonymous responses sheet:\n%s", all)
		}
		var linked int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1 AND (respondent <> '' OR at <> 0)`, anon.ID).Scan(&linked))
		if linked != 0 {
			t.Errorf("%d anonymous responses keep who or when", linked)
		}
	})
}

// TestListScope holds the list's SQL to CanSee: each user lists exactly
// the surveys she may read, drafts only where she runs them.
func TestListScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		var all []survey.Survey
		for _, lv := range disclosure.Levels {
			all = append(all, f.open(t, f.full(t, survey.New{Level: lv})))
		}
		all = append(all, f.full(t, survey.New{Title: "草稿"}))
		members, err := f.s.Create(ctx, f.office, survey.New{AreaCode: street, Title: "街道调查", ClosesAt: now0.AddDate(0, 0, 3), Level: disclosure.Members})
		must(t, err)
		all = append(all, members)
		sameOrg := staff("u-cc2", auth.RoleHandler, "CC1", other)
		for _, u := range []auth.User{f.admin, f.grid, f.office, f.stranger, sameOrg, f.residents[0], f.outsider} {
			var want []string
			for _, v := range all {
				if got, err := f.s.Get(ctx, u, v.ID); err == nil {
					want = append(want, got.ID)
				} else if !errs.Is(err, errs.NotFound) {
					t.Fatal(err)
				}
			}
			var listed []string
			cursor := ""
			for {
				page, err := f.s.List(ctx, u, survey.Filter{Cursor: cursor, Limit: 2})
				must(t, err)
				for _, x := range page.Items {
					listed = append(listed, x.ID)
				}
				if cursor = page.Next; cursor == "" {
					break
				}
			}
			sort.Strings(listed)
			if strings.Join(listed, ",") != strings.Join(want, ",") {
				t.Errorf("%s lists %v, reads %v", u.ID, listed, want)
			}
		}
		_, err = f.s.List(ctx, f.grid, survey.Filter{Limit: survey.MaxList + 1})
		wantCode(t, err, errs.Invalid, "limit over the bound")
		_, err = f.s.List(ctx, f.grid, survey.Filter{Cursor: "x"})
		wantCode(t, err, errs.Invalid, "bad cursor")
		_, err = f.s.List(ctx, f.grid, survey.Filter{Status: "gone"})
		wantCode(t, err, errs.Invalid, "bad status")
		_, err = f.s.List(ctx, auth.User{Role: auth.RoleResident}, survey.Filter{})
		wantCode(t, err, errs.Forbidden, "a resident without a phone")
		page, err := f.s.List(ctx, f.grid, survey.Filter{Status: survey.StatusDraft})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Title != "草稿" {
			t.Errorf("drafts: %+v", page.Items)
		}
	})
}

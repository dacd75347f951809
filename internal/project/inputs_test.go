package project_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/project"
)

// TestEveryInputAnswered: needs while planned, opinions while built, each
// due on working days; the project cannot close while one is unanswered.
func TestEveryInputAnswered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		eve := time.Date(2026, 9, 30, 10, 0, 0, 0, clock.BusinessZone()) // the eve of National Day
		f := setup(t, d, eve)
		p := f.create(t, "")
		need := project.InputIn{Kind: project.KindNeed, Text: "希望楼道加装扶手"}
		_, err := f.s.Submit(ctx, f.outsider, p.Number, need)
		wantCode(t, err, errs.Forbidden, "a resident of another street")
		_, err = f.s.Submit(ctx, auth.User{}, p.Number, need)
		wantCode(t, err, errs.Forbidden, "a guest")
		_, err = f.s.Submit(ctx, f.committee, p.Number, need)
		wantCode(t, err, errs.Forbidden, "staff for nobody")
		_, err = f.s.Submit(ctx, f.residents[0], p.Number, project.InputIn{Kind: project.KindOpinion, Text: "x"})
		wantCode(t, err, errs.Conflict, "an opinion while planned")
		_, err = f.s.Submit(ctx, f.residents[0], p.Number, project.InputIn{Kind: "wish", Text: "x"})
		wantCode(t, err, errs.Invalid, "unknown kind")
		_, err = f.s.Submit(ctx, f.residents[0], p.Number, project.InputIn{Kind: project.KindNeed, Text: " "})
		wantCode(t, err, errs.Invalid, "empty")
		in, err := f.s.Submit(ctx, f.residents[0], p.Number, need)
		must(t, err)
		if mine, err := f.s.MineItems(ctx, f.residents[0]); err != nil || len(mine) != 1 || mine[0].Ref != p.Number || mine[0].NeedsAction {
			t.Fatalf("her 我的事项: %+v %v", mine, err)
		}
		// Five working days after 30 September skip 1–7 October and count
		// the Saturday 10 October, made a working day.
		if want := time.Date(2026, 10, 13, 10, 0, 0, 0, clock.BusinessZone()); !in.AnswerDue.Equal(want) || !in.Mine || in.OnBehalf || in.PhoneMasked != "" {
			t.Fatalf("need: %+v, want due %v", in, want)
		}
		_, err = f.s.Submit(ctx, f.other, p.Number, project.InputIn{Kind: project.KindNeed, Text: "x", Phone: f.residents[1].Phone})
		wantCode(t, err, errs.Forbidden, "another street enters for a resident")
		_, err = f.s.Submit(ctx, f.committee, p.Number, project.InputIn{Kind: project.KindNeed, Text: "x", Phone: f.outsider.Phone})
		wantCode(t, err, errs.Forbidden, "enter for a resident of elsewhere")
		_, err = f.s.Submit(ctx, f.committee, p.Number, project.InputIn{Kind: project.KindNeed, Text: "x", Phone: "123"})
		wantCode(t, err, errs.Invalid, "a bad phone")
		byStaff, err := f.s.Submit(ctx, f.office, p.Number, project.InputIn{Kind: project.KindNeed, Text: "老人希望加装电梯（电话反映）", Phone: f.residents[1].Phone})
		must(t, err)
		if !byStaff.OnBehalf || byStaff.Mine {
			t.Fatalf("entered for her: %+v", byStaff)
		}
		q, err := f.s.Unanswered(ctx, f.committee, "", 1)
		must(t, err)
		if q.Total != 2 || q.Overdue != 0 || len(q.Items) != 1 || q.Next == "" || q.Items[0].PhoneMasked == "" || q.Items[0].PhoneMasked == f.residents[0].Phone {
			t.Fatalf("queue: %+v", q)
		}
		todo, err := f.s.TodoItems(ctx, f.committee)
		must(t, err)
		if len(todo) != 2 || todo[0].Ref != p.Number || !todo[0].NeedsAction || todo[0].Due == nil || todo[0].Role != "input" {
			t.Fatalf("to-do: %+v", todo)
		}
		if todo, err := f.s.TodoItems(ctx, f.other); err != nil || len(todo) != 0 {
			t.Fatalf("another street's to-do: %+v %v", todo, err)
		}
		q2, err := f.s.Unanswered(ctx, f.committee, q.Next, 1)
		must(t, err)
		if len(q2.Items) != 1 || q2.Items[0].ID == q.Items[0].ID || q2.Next != "" {
			t.Fatalf("second page: %+v", q2)
		}
		if q, err := f.s.Unanswered(ctx, f.other, "", 0); err != nil || q.Total != 0 {
			t.Errorf("another unit's queue: %+v %v", q, err)
		}
		_, err = f.s.Unanswered(ctx, f.residents[0], "", 0)
		wantCode(t, err, errs.Forbidden, "a resident's queue")
		_, err = f.s.Unanswered(ctx, f.committee, "bogus", 0)
		wantCode(t, err, errs.Invalid, "bad cursor")

		f.clock.Set(time.Date(2026, 10, 13, 11, 0, 0, 0, clock.BusinessZone()))
		p = f.phase(t, p.Number, project.Building)
		_, err = f.s.Submit(ctx, f.residents[2], p.Number, need)
		wantCode(t, err, errs.Conflict, "a need while built")
		op, err := f.s.Submit(ctx, f.residents[2], p.Number, project.InputIn{Kind: project.KindOpinion, Text: "施工噪音太早，请八点以后开工"})
		must(t, err)
		p = f.phase(t, p.Number, project.Evaluating)
		if p.Unanswered != 3 {
			t.Fatalf("unanswered: %d", p.Unanswered)
		}
		_, err = f.s.SetPhase(ctx, f.committee, p.Number, project.Closed)
		wantCode(t, err, errs.Conflict, "close with inputs unanswered")
		if e := errs.As(err); e.Msg != "还有3条居民需求或意见未答复，全部答复后才能结束项目" {
			t.Errorf("refusal: %q", e.Msg)
		}

		if in, err = f.s.Input(ctx, f.residents[0], p.Number, in.ID); err != nil || !in.Overdue {
			t.Fatalf("overdue: %+v %v", in, err)
		}
		_, err = f.s.Answer(ctx, f.other, p.Number, in.ID, "好")
		wantCode(t, err, errs.Forbidden, "another unit answers")
		_, err = f.s.Answer(ctx, f.committee, p.Number, in.ID, "")
		wantCode(t, err, errs.Invalid, "an empty answer")
		in, err = f.s.Answer(ctx, f.committee, p.Number, in.ID, "已纳入设计方案，每层楼道加装扶手。")
		must(t, err)
		if !in.Answered || !in.AnsweredLate || in.Overdue || in.Answer == "" {
			t.Fatalf("late answer: %+v", in)
		}
		_, err = f.s.Answer(ctx, f.committee, p.Number, in.ID, "再答一次")
		wantCode(t, err, errs.Conflict, "answer twice")
		op, err = f.s.Answer(ctx, f.admin, p.Number, op.ID, "已调整为八点后施工。")
		must(t, err)
		if op.AnsweredLate {
			t.Errorf("an answer in time marked late: %+v", op)
		}
		_, err = f.s.Answer(ctx, f.committee, p.Number, byStaff.ID, "加装电梯需业主表决，已启动征求意见。")
		must(t, err)
		q, err = f.s.Unanswered(ctx, f.committee, "", 0)
		must(t, err)
		if q.Total != 0 || len(q.Items) != 0 {
			t.Errorf("queue after answers: %+v", q)
		}
		p = f.phase(t, p.Number, project.Closed)
		_, err = f.s.Submit(ctx, f.residents[0], p.Number, need)
		wantCode(t, err, errs.Conflict, "a need once closed")
		for _, x := range p.Inputs {
			if x.PhoneMasked == "" {
				t.Errorf("the unit does not see the masked phone: %+v", x)
			}
		}
		if seen, err := f.s.Get(ctx, auth.User{}, p.Number); err != nil || len(seen.Inputs) != 3 || seen.Inputs[0].PhoneMasked != "" {
			t.Errorf("a guest reads the inputs: %+v %v", seen.Inputs, err)
		}
		var n int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM notifications WHERE kind = 'project' AND phone <> ''`).Scan(&n))
		if n != 3 {
			t.Errorf("residents told of answers: %d", n)
		}
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM project_events WHERE on_behalf = $1 AND actor_id = 'u-s1'`, f.residents[1].Phone).Scan(&n))
		if n != 1 {
			t.Errorf("entry on her behalf recorded %d times", n)
		}
	})
}

// TestInputCap: a resident sends at most MaxInputsEach inputs to a project.
func TestInputCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.create(t, "")
		for range project.MaxInputsEach {
			_, err := f.s.Submit(ctx, f.residents[0], p.Number, project.InputIn{Kind: project.KindNeed, Text: "需求"})
			must(t, err)
		}
		_, err := f.s.Submit(ctx, f.residents[0], p.Number, project.InputIn{Kind: project.KindNeed, Text: "再一条"})
		wantCode(t, err, errs.Conflict, "one input too many")
		_, err = f.s.Submit(ctx, f.residents[1], p.Number, project.InputIn{Kind: project.KindNeed, Text: "邻居的"})
		must(t, err)
	})
}

// TestEvaluations: one per resident, changed (not added) by a second; the
// mean with one decimal from exact integers.
func TestEvaluations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.create(t, "")
		_, _, err := f.s.Evaluate(ctx, f.residents[0], p.Number, project.EvaluationIn{Score: 4})
		wantCode(t, err, errs.Conflict, "evaluate while planned")
		f.phase(t, p.Number, project.Building)
		f.phase(t, p.Number, project.Evaluating)
		for _, s := range []int64{0, 6, -1} {
			_, _, err := f.s.Evaluate(ctx, f.residents[0], p.Number, project.EvaluationIn{Score: s})
			wantCode(t, err, errs.Invalid, "a score out of 1–5")
		}
		_, _, err = f.s.Evaluate(ctx, f.outsider, p.Number, project.EvaluationIn{Score: 5})
		wantCode(t, err, errs.Forbidden, "a resident of elsewhere")
		_, _, err = f.s.Evaluate(ctx, f.committee, p.Number, project.EvaluationIn{Score: 5})
		wantCode(t, err, errs.Forbidden, "staff for nobody")
		p, created, err := f.s.Evaluate(ctx, f.residents[0], p.Number, project.EvaluationIn{Score: 4, Text: "很满意"})
		must(t, err)
		if !created || p.Evaluations != 1 || p.ScoreSum != 4 || p.Mean != "4.0" || p.Mine == nil || p.Mine.Score != 4 {
			t.Fatalf("first: %v %+v", created, p.Project)
		}
		p, created, err = f.s.Evaluate(ctx, f.residents[0], p.Number, project.EvaluationIn{Score: 2, Text: "电梯还没通"})
		must(t, err)
		if created || p.Evaluations != 1 || p.ScoreSum != 2 || p.Mine.Score != 2 || len(p.Comments) != 1 || p.Comments[0].Text != "电梯还没通" {
			t.Fatalf("changed: %v %+v", created, p)
		}
		_, _, err = f.s.Evaluate(ctx, f.residents[1], p.Number, project.EvaluationIn{Score: 5})
		must(t, err)
		p, created, err = f.s.Evaluate(ctx, f.office, p.Number, project.EvaluationIn{Score: 4, Phone: f.residents[2].Phone})
		must(t, err)
		if !created || p.Evaluations != 3 || p.ScoreSum != 11 || p.Mean != "3.7" || p.Scores != [5]int64{0, 1, 0, 1, 1} || p.Mine != nil {
			t.Fatalf("three: %+v scores %v", p.Project, p.Scores)
		}
		seen, err := f.s.Get(ctx, f.residents[2], p.Number)
		must(t, err)
		if seen.Mine == nil || !seen.Mine.OnBehalf || !seen.May.Evaluate {
			t.Errorf("her evaluation, entered for her: %+v %+v", seen.Mine, seen.May)
		}
		f.phase(t, p.Number, project.Closed)
		_, _, err = f.s.Evaluate(ctx, f.residents[0], p.Number, project.EvaluationIn{Score: 5})
		wantCode(t, err, errs.Conflict, "change once closed")
		var sum int64
		must(t, d.R.QueryRow(`SELECT SUM(score) FROM project_evaluations WHERE number = $1`, p.Number).Scan(&sum))
		if sum != 11 {
			t.Errorf("stored scores sum to %d", sum)
		}
	})
}

func TestMean(t *testing.T) {
	for _, c := range []struct {
		sum, n int64
		want   string
	}{{0, 0, ""}, {4, 1, "4.0"}, {7, 2, "3.5"}, {11, 3, "3.7"}, {5, 3, "1.7"}, {3, 4, "0.8"}, {29, 8, "3.6"}, {49999, 10000, "5.0"}, {44999, 10000, "4.5"}} {
		if got := project.Mean(c.sum, c.n); got != c.want {
			t.Errorf("Mean(%d, %d) = %q, want %q", c.sum, c.n, got, c.want)
		}
	}
}

func TestYuan(t *testing.T) {
	for in, want := range map[string]int64{"1250000": 125000000, "1,250,000.5": 125000050, "¥0.05": 5, "12.30": 1230} {
		got, err := project.ParseYuan(in)
		if err != nil || got == nil || *got != want {
			t.Errorf("ParseYuan(%q) = %v %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"1.234", "-5", "abc", "1e5", ".5", "99999999999999"} {
		if _, err := project.ParseYuan(bad); err == nil {
			t.Errorf("ParseYuan(%q) passed", bad)
		}
	}
	if got, err := project.ParseYuan(" "); got != nil || err != nil {
		t.Errorf("empty: %v %v", got, err)
	}
	if s := project.FormatYuan(125000050); s != "1,250,000.50" {
		t.Errorf("FormatYuan: %s", s)
	}
	if s := project.FormatYuan(5); s != "0.05" {
		t.Errorf("FormatYuan: %s", s)
	}
}

// TestConcurrentEvaluations: a resident sending her evaluation several
// times at once has one, and residents evaluating at once are each counted
// once.
func TestConcurrentEvaluations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d, monday)
		p := f.create(t, "")
		f.phase(t, p.Number, project.Building)
		f.phase(t, p.Number, project.Evaluating)
		errc := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func(u auth.User, score int64) {
				_, _, err := f.s.Evaluate(ctx, u, p.Number, project.EvaluationIn{Score: score})
				errc <- err
			}(f.residents[i%4], int64(i%4+1))
		}
		for i := 0; i < 8; i++ {
			must(t, <-errc)
		}
		got, err := f.s.Get(ctx, f.admin, p.Number)
		must(t, err)
		if got.Evaluations != 4 || got.ScoreSum != 10 || got.Scores != [5]int64{1, 1, 1, 1, 0} {
			t.Fatalf("after concurrent evaluations: %d, sum %d, %v", got.Evaluations, got.ScoreSum, got.Scores)
		}
	})
}

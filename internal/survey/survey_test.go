package survey_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/deliberation"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/survey"
)

const (
	community = "110117001001"
	street    = "110117001"
	other     = "110117002"
)

type fixture struct {
	s     *survey.Service
	d     *db.DB
	clock *clock.Fixed
	admin auth.User
	// grid runs the community's surveys; office is the street office's
	// staff (her scope covers the community); stranger another street's.
	grid, office, stranger auth.User
	residents              []auth.User // live in the community
	outsider               auth.User   // lives in another street
}

var now0 = time.Date(2026, 12, 1, 9, 0, 0, 0, clock.BusinessZone())

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func staff(id string, role auth.Role, org, area string) auth.User {
	return auth.User{ID: id, Username: id, Role: role, OrgCode: org, AreaCode: area}
}

func resident(phone string) auth.User {
	return auth.User{ID: "r" + phone, Role: auth.RoleResident, Phone: phone}
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	c := clock.NewFixed(now0)
	g := gov.NewService(d, c)
	for _, a := range []gov.Area{
		{Code: "110117", Name: "平谷区", Level: gov.LevelDistrict},
		{Code: street, ParentCode: "110117", Name: "滨河街道", Level: gov.LevelStreet},
		{Code: community, ParentCode: street, Name: "承平里社区", Level: gov.LevelCommunity},
		{Code: other, ParentCode: "110117", Name: "兴谷街道", Level: gov.LevelStreet},
	} {
		must(t, g.UpsertArea(ctx, a))
	}
	f := &fixture{s: survey.NewService(d, c, g), d: d, clock: c, admin: auth.System(),
		grid:     staff("u-grid", auth.RoleGridWorker, "CC1", community),
		office:   staff("u-s1", auth.RoleHandler, "S1", street),
		stranger: staff("u-s2", auth.RoleHandler, "S2", other),
		outsider: resident("13700000000"),
	}
	for i := 0; i < 6; i++ {
		f.residents = append(f.residents, resident(fmt.Sprintf("1390000%04d", i)))
		f.live(t, f.residents[i].Phone, community)
	}
	f.live(t, f.outsider.Phone, other)
	return f
}

// live links a phone to an area as staff would have verified it.
func (f *fixture) live(t *testing.T, phone, area string) {
	_, err := f.d.W.Exec(`INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, 'test', 0, 'test')`, area, phone)
	must(t, err)
}

func (f *fixture) draft(t *testing.T, n survey.New) survey.Survey {
	t.Helper()
	if n.Title == "" {
		n.Title = "社区停车管理满意度调查"
	}
	if n.AreaCode == "" {
		n.AreaCode = community
	}
	if n.ClosesAt.IsZero() {
		n.ClosesAt = now0.Add(7 * 24 * time.Hour)
	}
	v, err := f.s.Create(context.Background(), f.grid, n)
	must(t, err)
	return v
}

// full is a draft with one question of each kind: 1 single (3 options,
// required), 2 multiple (4 options, at most 2), 3 scale 1–5, 4 text.
func (f *fixture) full(t *testing.T, n survey.New) survey.Survey {
	t.Helper()
	v := f.draft(t, n)
	ctx := context.Background()
	for _, q := range []survey.QuestionIn{
		{Kind: survey.Single, Prompt: "您是否有私家车？", Required: true, Options: []string{"有", "没有", "计划购买"}},
		{Kind: survey.Multiple, Prompt: "您希望增加哪些设施？", Options: []string{"充电桩", "非机动车棚", "访客车位", "监控"}, MaxPicks: 2},
		{Kind: survey.Scale, Prompt: "您对现在的停车秩序满意吗？", ScaleMax: 5, LowLabel: "很不满意", HighLabel: "很满意"},
		{Kind: survey.Text, Prompt: "其他意见和建议"},
	} {
		var err error
		v, err = f.s.AddQuestion(ctx, f.grid, v.ID, q)
		must(t, err)
	}
	return v
}

func (f *fixture) open(t *testing.T, v survey.Survey) survey.Survey {
	t.Helper()
	v, err := f.s.Open(context.Background(), f.grid, v.ID, survey.OpenIn{})
	must(t, err)
	return v
}

func answers(single []int64, multi []int64, scale int64, text string) survey.ResponseIn {
	return survey.ResponseIn{Answers: []survey.AnswerIn{{QuestionID: 1, Options: single}, {QuestionID: 2, Options: multi},
		{QuestionID: 3, Value: scale}, {QuestionID: 4, Text: text}}}
}

func TestCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		week := now0.Add(7 * 24 * time.Hour)
		ok := survey.New{AreaCode: community, Title: "停车调查", ClosesAt: week}
		for _, c := range []struct {
			what string
			u    auth.User
			edit func(n *survey.New)
			code errs.Code
		}{
			{"no title", f.grid, func(n *survey.New) { n.Title = " " }, errs.Invalid},
			{"two-line title", f.grid, func(n *survey.New) { n.Title = "停车\n调查" }, errs.Invalid},
			{"long title", f.grid, func(n *survey.New) { n.Title = strings.Repeat("停", survey.MaxTitle+1) }, errs.Invalid},
			{"long intro", f.grid, func(n *survey.New) { n.Intro = strings.Repeat("停", survey.MaxIntro+1) }, errs.Invalid},
			{"bad area", f.grid, func(n *survey.New) { n.AreaCode = "11/0" }, errs.Invalid},
			{"no such area", f.admin, func(n *survey.New) { n.AreaCode = "110117009" }, errs.Invalid},
			{"closes in the past", f.grid, func(n *survey.New) { n.ClosesAt = now0.Add(-time.Minute) }, errs.Invalid},
			{"closes after a year", f.grid, func(n *survey.New) { n.ClosesAt = now0.AddDate(1, 0, 2) }, errs.Invalid},
			{"opens after it closes", f.grid, func(n *survey.New) { n.OpensAt = &week }, errs.Invalid},
			{"bad level", f.grid, func(n *survey.New) { n.Level = "secret" }, errs.Invalid},
			{"members without org", f.admin, func(n *survey.New) { n.Level = disclosure.Members }, errs.Invalid},
			{"bad target", f.grid, func(n *survey.New) { n.Target = "ticket:123" }, errs.Invalid},
			{"target without id", f.grid, func(n *survey.New) { n.Target = "proposal:" }, errs.Invalid},
			{"outside her area", f.grid, func(n *survey.New) { n.AreaCode = other }, errs.Forbidden},
			{"a resident", f.residents[0], func(n *survey.New) {}, errs.Forbidden},
			{"another street's staff", f.stranger, func(n *survey.New) {}, errs.Forbidden},
		} {
			n := ok
			c.edit(&n)
			_, err := f.s.Create(ctx, c.u, n)
			wantCode(t, err, c.code, c.what)
		}
		v, err := f.s.Create(ctx, f.office, survey.New{AreaCode: community, Title: " 停车调查 ", ClosesAt: week, Target: "project:P2026001"})
		must(t, err)
		if v.ID != "WJ202612010001" || v.Status != survey.StatusDraft || v.Level != disclosure.Residents || v.OrgCode != "S1" || v.Title != "停车调查" || v.Link != nil {
			t.Fatalf("created: %+v", v)
		}
		v2 := f.draft(t, survey.New{})
		if v2.ID != "WJ202612010002" {
			t.Errorf("second number %s", v2.ID)
		}
		// A kind with a resolver: the target must be an item the creator reads.
		f.s.SetResolver("proposal", func(ctx context.Context, u auth.User, id string) (deliberation.Target, error) {
			if id != "TA202612010001" {
				return deliberation.Target{}, errs.NotFoundf("提案不存在", "no such proposal")
			}
			return deliberation.Target{Kind: "proposal", ID: id, Title: "加装电梯", URL: "/proposals/" + id}, nil
		})
		_, err = f.s.Create(ctx, f.grid, survey.New{AreaCode: community, Title: "电梯", ClosesAt: week, Target: "proposal:TA202612019999"})
		wantCode(t, err, errs.Invalid, "unknown proposal")
		v3 := f.draft(t, survey.New{Target: "proposal:TA202612010001"})
		if v3.Link == nil || v3.Link.URL != "/proposals/TA202612010001" || v3.Link.Title != "加装电梯" {
			t.Errorf("link: %+v", v3.Link)
		}
		// A draft is the staff's: residents do not see it.
		_, err = f.s.Get(ctx, f.residents[0], v.ID)
		wantCode(t, err, errs.NotFound, "resident reads a draft")
		_, err = f.s.Get(ctx, f.stranger, v.ID)
		wantCode(t, err, errs.NotFound, "stranger reads a draft")
		_, err = f.s.Get(ctx, f.grid, "WJ2026")
		wantCode(t, err, errs.NotFound, "malformed id")
	})
}

func TestQuestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.draft(t, survey.New{})
		two := []string{"是", "否"}
		for _, c := range []struct {
			what string
			q    survey.QuestionIn
		}{
			{"unknown kind", survey.QuestionIn{Kind: "ranking", Prompt: "排序", Options: two}},
			{"no prompt", survey.QuestionIn{Kind: survey.Single, Prompt: "  ", Options: two}},
			{"long prompt", survey.QuestionIn{Kind: survey.Text, Prompt: strings.Repeat("问", survey.MaxPrompt+1)}},
			{"one option", survey.QuestionIn{Kind: survey.Single, Prompt: "是否", Options: []string{"是", " "}}},
			{"21 options", survey.QuestionIn{Kind: survey.Multiple, Prompt: "选", Options: numbered(21)}},
			{"options twice", survey.QuestionIn{Kind: survey.Single, Prompt: "选", Options: []string{"是", "是"}}},
			{"long option", survey.QuestionIn{Kind: survey.Single, Prompt: "选", Options: []string{"是", strings.Repeat("否", survey.MaxOption+1)}}},
			{"max picks over options", survey.QuestionIn{Kind: survey.Multiple, Prompt: "选", Options: two, MaxPicks: 3}},
			{"negative max picks", survey.QuestionIn{Kind: survey.Multiple, Prompt: "选", Options: two, MaxPicks: -1}},
			{"max picks of a single", survey.QuestionIn{Kind: survey.Single, Prompt: "选", Options: two, MaxPicks: 1}},
			{"scale of 7", survey.QuestionIn{Kind: survey.Scale, Prompt: "打分", ScaleMax: 7}},
			{"scale without max", survey.QuestionIn{Kind: survey.Scale, Prompt: "打分"}},
			{"long end label", survey.QuestionIn{Kind: survey.Scale, Prompt: "打分", ScaleMax: 5, LowLabel: strings.Repeat("差", survey.MaxScaleLabel+1)}},
			{"text with options", survey.QuestionIn{Kind: survey.Text, Prompt: "意见", Options: two}},
			{"text with a scale", survey.QuestionIn{Kind: survey.Text, Prompt: "意见", ScaleMax: 5}},
		} {
			_, err := f.s.AddQuestion(ctx, f.grid, v.ID, c.q)
			wantCode(t, err, errs.Invalid, c.what)
		}
		_, err := f.s.AddQuestion(ctx, f.grid, v.ID, survey.QuestionIn{Kind: survey.Multiple, Prompt: "选", Options: numbered(20), MaxPicks: 20})
		must(t, err)
		_, err = f.s.AddQuestion(ctx, f.stranger, v.ID, survey.QuestionIn{Kind: survey.Text, Prompt: "意见"})
		wantCode(t, err, errs.NotFound, "a stranger adds")
		_, err = f.s.AddQuestion(ctx, f.residents[0], v.ID, survey.QuestionIn{Kind: survey.Text, Prompt: "意见"})
		wantCode(t, err, errs.NotFound, "a resident adds to a draft")
		for i := 1; i < survey.MaxQuestions; i++ {
			_, err = f.s.AddQuestion(ctx, f.grid, v.ID, survey.QuestionIn{Kind: survey.Text, Prompt: fmt.Sprintf("第%d个问题", i)})
			must(t, err)
		}
		_, err = f.s.AddQuestion(ctx, f.grid, v.ID, survey.QuestionIn{Kind: survey.Text, Prompt: "再多一题"})
		wantCode(t, err, errs.Conflict, "question 51")
		v, err = f.s.DeleteQuestion(ctx, f.grid, v.ID, 1)
		must(t, err)
		if len(v.Questions) != survey.MaxQuestions-1 || v.Questions[0].ID != 2 {
			t.Fatalf("after deleting: %d questions, first %d", len(v.Questions), v.Questions[0].ID)
		}
		_, err = f.s.DeleteQuestion(ctx, f.grid, v.ID, 1)
		wantCode(t, err, errs.NotFound, "delete twice")
		v, err = f.s.AddQuestion(ctx, f.grid, v.ID, survey.QuestionIn{Kind: survey.Single, Prompt: "最后一题", Options: two})
		must(t, err)
		if last := v.Questions[len(v.Questions)-1]; last.ID != 51 || len(last.Options) != 2 || last.Options[1].ID != 2 || last.Options[1].Label != "否" {
			t.Fatalf("the new question: %+v", last)
		}

		empty := f.draft(t, survey.New{})
		_, err = f.s.Open(ctx, f.grid, empty.ID, survey.OpenIn{})
		wantCode(t, err, errs.Conflict, "open without questions")
		_, err = f.s.Open(ctx, f.office, v.ID, survey.OpenIn{ClosesAt: &now0})
		wantCode(t, err, errs.Invalid, "open closing now")
		v, err = f.s.Open(ctx, f.office, v.ID, survey.OpenIn{})
		must(t, err)
		if v.Status != survey.StatusOpen || v.OpensAt == nil || !v.OpensAt.Equal(now0) {
			t.Fatalf("opened: %+v", v)
		}
		_, err = f.s.Open(ctx, f.grid, v.ID, survey.OpenIn{})
		wantCode(t, err, errs.Conflict, "open twice")
		_, err = f.s.AddQuestion(ctx, f.grid, v.ID, survey.QuestionIn{Kind: survey.Text, Prompt: "意见"})
		wantCode(t, err, errs.Conflict, "add to an open survey")
		_, err = f.s.DeleteQuestion(ctx, f.grid, v.ID, 2)
		wantCode(t, err, errs.Conflict, "delete from an open survey")
		_, err = f.s.AddQuestion(ctx, f.residents[0], v.ID, survey.QuestionIn{Kind: survey.Text, Prompt: "意见"})
		wantCode(t, err, errs.Forbidden, "a resident edits")
		_, err = f.s.Close(ctx, f.residents[0], v.ID)
		wantCode(t, err, errs.Forbidden, "a resident closes")
	})
}

func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("选项%d", i+1)
	}
	return out
}

// TestAnswerChecks refuses each kind of bad answer with the first problem
// named and writes nothing.
func TestAnswerChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.open(t, f.full(t, survey.New{}))
		r := f.residents[0]
		for _, c := range []struct {
			in   survey.ResponseIn
			want string
		}{
			{answers(nil, []int64{1}, 3, ""), "第1题为必答题"},
			{answers([]int64{1, 2}, nil, 0, ""), "第1题是单选题"},
			{answers([]int64{4}, nil, 0, ""), "第1题没有第 4 号选项"},
			{answers([]int64{0}, nil, 0, ""), "第1题没有第 0 号选项"},
			{answers([]int64{1}, []int64{1, 2, 3}, 0, ""), "第2题最多选2项"},
			{answers([]int64{1}, []int64{2, 2}, 0, ""), "第2题的选项重复"},
			{answers([]int64{1}, []int64{5}, 0, ""), "第2题没有第 5 号选项"},
			{answers([]int64{1}, nil, 6, ""), "第3题的分值须为1到5"},
			{answers([]int64{1}, nil, -1, ""), "第3题的分值须为1到5"},
			{answers([]int64{1}, nil, 0, strings.Repeat("好", survey.MaxText+1)), "第4题的回答不超过1000字"},
			{survey.ResponseIn{Answers: []survey.AnswerIn{{QuestionID: 1, Options: []int64{1}, Text: "有"}}}, "第1题是选择题"},
			{survey.ResponseIn{Answers: []survey.AnswerIn{{QuestionID: 1, Options: []int64{1}}, {QuestionID: 3, Options: []int64{1}}}}, "第3题是量表题"},
			{survey.ResponseIn{Answers: []survey.AnswerIn{{QuestionID: 1, Options: []int64{1}}, {QuestionID: 4, Value: 2}}}, "第4题是填空题"},
			{survey.ResponseIn{Answers: []survey.AnswerIn{{QuestionID: 1, Options: []int64{1}}, {QuestionID: 9}}}, "没有第 9 号题目"},
			{survey.ResponseIn{Answers: []survey.AnswerIn{{QuestionID: 1, Options: []int64{1}}, {QuestionID: 1, Options: []int64{2}}}}, "第1题回答了两次"},
			{survey.ResponseIn{}, "第1题为必答题"},
		} {
			_, err := f.s.Respond(ctx, r, v.ID, c.in)
			if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.As(err).Msg, c.want) || errs.As(err).MsgEn == "" {
				t.Errorf("%+v: got %v, want %q", c.in, err, c.want)
			}
		}
		f.count(t, v.ID, 0)
		// The boundaries pass: two picks of two, scale 1 and 5, 1,000 characters.
		_, err := f.s.Respond(ctx, r, v.ID, answers([]int64{3}, []int64{4, 1}, 5, strings.Repeat("好", survey.MaxText)))
		must(t, err)
		_, err = f.s.Respond(ctx, f.residents[1], v.ID, answers([]int64{2}, nil, 1, "  "))
		must(t, err)
		f.count(t, v.ID, 2)
	})
}

// count checks the responses the survey holds, in its counter and its rows.
func (f *fixture) count(t *testing.T, id string, want int64) {
	t.Helper()
	var n, rows, respondents int64
	must(t, f.d.R.QueryRow(`SELECT responses, (SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1),
(SELECT COUNT(*) FROM survey_respondents WHERE survey_id = $1) FROM surveys WHERE id = $1`, id).Scan(&n, &rows, &respondents))
	if n != want || rows != want || respondents != want {
		t.Fatalf("responses: counter %d, rows %d, respondents %d; want %d", n, rows, respondents, want)
	}
}

func TestWhoAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		v := f.open(t, f.full(t, survey.New{}))
		in := answers([]int64{1}, nil, 4, "")
		_, err := f.s.Respond(ctx, f.outsider, v.ID, in)
		wantCode(t, err, errs.NotFound, "an outsider answers a residents' survey")
		_, err = f.s.Respond(ctx, f.grid, v.ID, in)
		wantCode(t, err, errs.Forbidden, "staff answer a residents' survey themselves")
		got, err := f.s.Respond(ctx, f.residents[0], v.ID, in)
		must(t, err)
		if !got.Answered || got.CanAnswer || got.Responses != 1 {
			t.Fatalf("after answering: %+v", got)
		}
		_, err = f.s.Respond(ctx, f.residents[0], v.ID, answers([]int64{2}, nil, 0, ""))
		wantCode(t, err, errs.Conflict, "a second response")
		// The staff record a paper answer for a resident, who cannot then answer.
		rec := in
		rec.Phone, rec.Channel = "139 0000 0001", survey.ChannelPaper
		_, err = f.s.Respond(ctx, f.stranger, v.ID, rec)
		wantCode(t, err, errs.NotFound, "a stranger records")
		_, err = f.s.Respond(ctx, f.office, v.ID, survey.ResponseIn{Answers: in.Answers, Phone: f.residents[1].Phone, Channel: "mail"})
		wantCode(t, err, errs.Invalid, "unknown channel")
		_, err = f.s.Respond(ctx, f.office, v.ID, survey.ResponseIn{Answers: in.Answers, Phone: "12345", Channel: survey.ChannelPhone})
		wantCode(t, err, errs.Invalid, "bad phone")
		_, err = f.s.Respond(ctx, f.office, v.ID, survey.ResponseIn{Answers: in.Answers, Phone: f.outsider.Phone, Channel: survey.ChannelPhone})
		wantCode(t, err, errs.Forbidden, "record for an outsider")
		_, err = f.s.Respond(ctx, f.residents[1], v.ID, rec)
		wantCode(t, err, errs.Forbidden, "a resident records for another")
		_, err = f.s.Respond(ctx, f.office, v.ID, rec)
		must(t, err)
		_, err = f.s.Respond(ctx, f.residents[1], v.ID, in)
		wantCode(t, err, errs.Conflict, "answer after the staff recorded it")
		_, err = f.s.Respond(ctx, f.grid, v.ID, survey.ResponseIn{Answers: in.Answers, Phone: f.residents[0].Phone, Channel: survey.ChannelPhone})
		wantCode(t, err, errs.Conflict, "record for one who answered")
		var channel, by string
		must(t, d.R.QueryRow(`SELECT channel, recorded_by FROM survey_respondents WHERE survey_id = $1 AND respondent = $2`, v.ID, f.residents[1].Phone).Scan(&channel, &by))
		if channel != survey.ChannelPaper || by != f.office.ID {
			t.Errorf("recorded as %s by %s", channel, by)
		}
		f.count(t, v.ID, 2)

		// A public survey: any resident's account; staff surveys: staff.
		pub := f.open(t, f.full(t, survey.New{Level: disclosure.Public}))
		_, err = f.s.Respond(ctx, f.outsider, pub.ID, in)
		must(t, err)
		staffOnly := f.open(t, f.full(t, survey.New{Level: disclosure.Internal}))
		_, err = f.s.Respond(ctx, f.office, staffOnly.ID, in)
		must(t, err)
		_, err = f.s.Respond(ctx, f.office, staffOnly.ID, in)
		wantCode(t, err, errs.Conflict, "staff answer twice")
		_, err = f.s.Respond(ctx, f.residents[2], staffOnly.ID, in)
		wantCode(t, err, errs.NotFound, "a resident answers an internal survey")
		_, err = f.s.Respond(ctx, f.grid, staffOnly.ID, survey.ResponseIn{Answers: in.Answers, Phone: f.residents[2].Phone, Channel: survey.ChannelPaper})
		wantCode(t, err, errs.Conflict, "record into a staff survey")
	})
}

// TestOpenWindow: a draft and a closed survey take no answers, nor one
// before its opening time; the background work closes it at its time.
func TestOpenWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		in := answers([]int64{1}, nil, 0, "")
		later := now0.Add(2 * time.Hour)
		v := f.full(t, survey.New{OpensAt: &later, ClosesAt: now0.Add(24 * time.Hour)})
		_, err := f.s.Respond(ctx, f.residents[0], v.ID, in)
		wantCode(t, err, errs.NotFound, "answer a draft")
		v = f.open(t, v)
		if v.CanAnswer {
			t.Error("offered before its opening time")
		}
		_, err = f.s.Respond(ctx, f.residents[0], v.ID, in)
		wantCode(t, err, errs.Conflict, "answer before its opening time")
		f.clock.Advance(2 * time.Hour)
		_, err = f.s.Respond(ctx, f.residents[0], v.ID, in)
		must(t, err)
		if n, err := f.s.CloseDue(ctx); err != nil || n != 0 {
			t.Fatalf("closed before its time: %d %v", n, err)
		}
		f.clock.Advance(22 * time.Hour)
		_, err = f.s.Respond(ctx, f.residents[1], v.ID, in)
		wantCode(t, err, errs.Conflict, "answer at the closing time, before the background work")
		if n, err := f.s.CloseDue(ctx); err != nil || n != 1 {
			t.Fatalf("close due: %d %v", n, err)
		}
		got, err := f.s.Get(ctx, f.residents[1], v.ID)
		must(t, err)
		if got.Status != survey.StatusClosed || got.ClosedAt == nil || got.CanAnswer {
			t.Fatalf("closed: %+v", got)
		}
		_, err = f.s.Respond(ctx, f.residents[1], v.ID, in)
		wantCode(t, err, errs.Conflict, "answer a closed survey")
		_, err = f.s.Close(ctx, f.grid, v.ID)
		wantCode(t, err, errs.Conflict, "close twice")
		var notes int
		must(t, d.R.QueryRow(`SELECT COUNT(*) FROM notifications WHERE kind = 'survey' AND org_code = 'CC1' AND text LIKE '%共收到1份答卷%'`).Scan(&notes))
		if notes != 1 {
			t.Errorf("%d notifications of the close", notes)
		}
		// Staff close an open survey early.
		w := f.open(t, f.full(t, survey.New{}))
		_, err = f.s.Close(ctx, f.stranger, w.ID)
		wantCode(t, err, errs.NotFound, "a stranger closes")
		w, err = f.s.Close(ctx, f.office, w.ID)
		must(t, err)
		if w.Status != survey.StatusClosed {
			t.Fatalf("closed early: %s", w.Status)
		}
	})
}

// TestRespondAtOnce: the same resident's responses sent at once make one
// response; the others are refused as a second one.
func TestRespondAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		v := f.open(t, f.full(t, survey.New{}))
		const n = 8
		errc := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				_, err := f.s.Respond(context.Background(), f.residents[0], v.ID, answers([]int64{1}, []int64{2}, 3, "同时提交"))
				errc <- err
			}()
		}
		ok := 0
		for i := 0; i < n; i++ {
			switch err := <-errc; {
			case err == nil:
				ok++
			case !errs.Is(err, errs.Conflict):
				t.Errorf("a response at once: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d responses taken, want 1", ok)
		}
		f.count(t, v.ID, 1)
	})
}

package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/survey"
)

// surveyQuestions are one question of each kind.
var surveyQuestions = []survey.QuestionIn{
	{Kind: survey.Single, Prompt: "您是否有私家车？", Required: true, Options: []string{"有", "没有"}},
	{Kind: survey.Multiple, Prompt: "您希望增加哪些设施？", Options: []string{"充电桩", "非机动车棚", "访客车位"}, MaxPicks: 2},
	{Kind: survey.Scale, Prompt: "您对停车秩序满意吗？", ScaleMax: 5, LowLabel: "很不满意", HighLabel: "很满意"},
	{Kind: survey.Text, Prompt: "其他意见和建议"},
}

// openSurvey has the community's grid worker make and open a survey with
// one question of each kind.
func openSurvey(t *testing.T, a *app.App, title string) survey.Survey {
	t.Helper()
	ctx := context.Background()
	grid, err := a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Surveys.Create(ctx, grid, survey.New{AreaCode: "110117001001", Title: title, Intro: "请花两分钟告诉我们您的看法。",
		ClosesAt: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range surveyQuestions {
		if _, err := a.Surveys.AddQuestion(ctx, grid, v.ID, q); err != nil {
			t.Fatal(err)
		}
	}
	if v, err = a.Surveys.Open(ctx, grid, v.ID, survey.OpenIn{}); err != nil {
		t.Fatal(err)
	}
	return v
}

// residentSurveys are two surveys of the a11y site's resident: one open for
// her to answer, one she answered that is closed with its results.
func (s *a11ySite) residentSurveys() (open, closed string) {
	if s.surveys[0] != "" {
		return s.surveys[0], s.surveys[1]
	}
	surveyResidents(s.t, s.a, residentPhone)
	o, c := openSurvey(s.t, s.a, "社区停车管理满意度调查"), openSurvey(s.t, s.a, "楼道照明改造意见征集")
	ctx := context.Background()
	if _, err := s.a.Surveys.Respond(ctx, s.resident(), c.ID, survey.ResponseIn{Answers: []survey.AnswerIn{{QuestionID: 1, Options: []int64{1}},
		{QuestionID: 2, Options: []int64{1, 3}}, {QuestionID: 3, Value: 4}, {QuestionID: 4, Text: "希望晚上也亮"}}}); err != nil {
		s.t.Fatal(err)
	}
	grid, err := s.a.Auth.UserByUsername(ctx, "demo-grid")
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.a.Surveys.Close(ctx, grid, c.ID); err != nil {
		s.t.Fatal(err)
	}
	s.surveys = [2]string{o.ID, c.ID}
	return o.ID, c.ID
}

// check presses Space on a radio button or checkbox, as a keyboard user
// ticks it.
func (b *browser) check(sel string) {
	b.t.Helper()
	b.do(chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(" "))
}

// TestSurveyBrowser: the grid worker makes a survey with one question of
// each kind through the staff pages and opens it; a resident goes from
// home to 参与议事 to the survey and answers it by keyboard in the elderly
// mode, and is thanked; the staff page shows each question's chart beside
// its table. The resident pages pass axe-core and the MIIT figures.
func TestSurveyBrowser(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	surveyResidents(t, a, residentPhone)
	staff := deskBrowser(t, srv.URL, 1366, 4*time.Minute)
	staff.staffLogin("demo-grid")
	staff.open("/staff/surveys")
	staff.do(chromedp.SendKeys(chromedp.CSS("#sv-title"), "社区停车管理满意度调查"),
		chromedp.SendKeys(chromedp.CSS("#sv-intro"), "请花两分钟告诉我们您的看法。"),
		chromedp.SetValue(chromedp.CSS("#sv-closes"), time.Now().Add(72*time.Hour).Format("2006-01-02T15:04")))
	staff.click("#sv-create")
	staff.sees("问卷草稿已建立")
	for _, q := range surveyQuestions {
		steps := []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#sv-kind-" + string(q.Kind))), chromedp.SendKeys(chromedp.CSS("#sv-prompt"), q.Prompt)}
		if q.Required {
			steps = append(steps, chromedp.Click(chromedp.CSS("#sv-required")))
		}
		if len(q.Options) > 0 {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS("#sv-options"), strings.Join(q.Options, "\n")))
		}
		if q.MaxPicks > 0 {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS("#sv-maxpicks"), "2"))
		}
		if q.Kind == survey.Scale {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS("#sv-low"), q.LowLabel), chromedp.SendKeys(chromedp.CSS("#sv-high"), q.HighLabel))
		}
		staff.do(steps...)
		staff.click("#sv-q-submit")
		staff.sees("题目已添加", q.Prompt)
	}
	staff.click("#sv-open")
	staff.sees("问卷已发布", "进行中")
	path, err := chromedp.Run(staff.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	path = strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], srv.URL+"/staff")

	b := deskBrowser(t, srv.URL, 390, 4*time.Minute)
	b.residentLogin(residentPhone)
	b.open("/big?on=1&back=/")
	b.click("#door-part")
	b.click("#part-surveys")
	b.sees("问卷调查", "社区停车管理满意度调查", "待填写")
	b.click(`a[href="` + path + `"]`)
	b.sees("请花两分钟告诉我们您的看法。", "您是否有私家车？", "1 = 很不满意")
	src := axeFile()
	checkResidentPage(t, b, src, "/surveys")
	checkResidentPage(t, b, src, path)
	b.shot("survey-form", 390)
	b.check("#q1-1")
	b.check("#q2-1")
	b.check("#q2-3")
	b.check("#q3-4")
	b.do(chromedp.SendKeys(chromedp.CSS("#q4"), "晚上车位不够，希望错峰共享"))
	b.pressEnter("#sv-submit")
	b.sees("感谢您的参与！您的答卷已提交。", "问卷结束后将在这里公布结果")
	checkResidentPage(t, b, src, path)

	staff.open("/staff" + path)
	staff.sees("已收到 1 份答卷", "调查结果", "晚上车位不够，希望错峰共享", "平均分 4（满分 5）")
	charts, err := chromedp.Run(staff.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".chart-wide svg.chart").length`))
	if err != nil {
		t.Fatal(err)
	}
	tables, err := chromedp.Run(staff.ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.data[id^=tbl-sv-q]").length`))
	if err != nil {
		t.Fatal(err)
	}
	if charts != 3 || tables != 3 {
		t.Errorf("%d charts and %d tables, want 3 of each", charts, tables)
	}
	if src != "" {
		for _, v := range axeRun(staff, src) {
			if v.Impact == "critical" || v.Impact == "serious" {
				t.Errorf("staff survey page: %s [%s] %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
			}
		}
	}
	staff.do(chromedp.ScrollIntoView(chromedp.CSS("#sv-results")))
	staff.shot("survey-staff", 1366)
	staff.click("#sv-close")
	staff.sees("问卷已结束")
	b.open(path)
	b.sees("已结束", "调查结果", "文字回答 1 条，不公开")
	checkResidentPage(t, b, src, path)
	b.shot("survey-resident", 390)
	b.open("/big?on=0&back=" + path)
	b.shot("survey-resident-normal", 390)
}

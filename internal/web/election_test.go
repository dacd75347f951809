package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/election"
)

var electionIDRE = regexp.MustCompile(`/staff/elections/([0-9a-f]+)"`)

// TestElectionPages: who reaches the staff pages, CSRF on their forms, the
// register by CSV and the candidates, a resident's ballot refused for too
// many choices and then cast, nobody's choice on the staff's page, and a
// resident off the roll who reads but cannot vote.
func TestElectionPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	ctx := context.Background()
	hand := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ := hand.get("/staff/elections"); status != 200 {
		t.Errorf("a handler opens the elections: %d", status)
	}
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	status, page := grid.get("/staff/elections")
	if status != 200 {
		t.Fatalf("elections: %d\n%s", status, page)
	}
	mustContain(t, page, `href="/staff/elections"`, "业主委员会选举", "居民代表选举", `name="seats"`)
	form := url.Values{"kind": {"owners_committee"}, "title": {"金谷东园第三届业主委员会选举"}, "area_code": {"110117001001"}, "seats": {"2"},
		"closes_at": {time.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")}, "level": {"residents"}}
	if status, _ := grid.post("/staff/elections", form); status != 403 {
		t.Errorf("a form without its CSRF token: %d", status)
	}
	form.Set("csrf", csrf(t, page))
	form.Set("area_code", "110117001002")
	if status, page := grid.post("/staff/elections", form); status != 403 || !strings.Contains(page, "只能在本辖区组织选举") {
		t.Errorf("another community's election: %d", status)
	}
	form.Set("area_code", "110117001001")
	form.Set("seats", "")
	if status, page := grid.post("/staff/elections", form); status != 400 || !strings.Contains(page, "请填写应选名额") {
		t.Errorf("no seats: %d", status)
	}
	form.Set("seats", "2")
	status, page = grid.post("/staff/elections", form)
	if status != 200 || !strings.Contains(page, "已发起选举") {
		t.Fatalf("open an election: %d\n%s", status, page)
	}
	m := electionIDRE.FindStringSubmatch(page)
	if m == nil {
		m = regexp.MustCompile(`/staff/elections/([0-9a-f]+)/`).FindStringSubmatch(page)
	}
	id := m[1]
	tok := csrf(t, page)
	csv := "unit,area_m2,owner\n1-1-101,100,13800138000\n1-1-102,50,13800138000\n1-1-201,80,13900000001\n"
	if status, page := postCSV(grid, "/staff/elections/"+id+"/units", tok, csv); status != 200 || !strings.Contains(page, "已导入房屋登记册") || !strings.Contains(page, "138****8000") {
		t.Fatalf("register: %d\n%s", status, page)
	}
	for _, n := range []string{"张建国", "李秀英", "王志强"} {
		if status, _ := grid.post("/staff/elections/"+id+"/candidates", url.Values{"csrf": {tok}, "name": {n}, "intro": {"业主代表"}}); status != 200 {
			t.Fatalf("candidate %s: %d", n, status)
		}
	}
	e, err := a.Elections.Get(ctx, auth.System(), id)
	if err != nil || len(e.Candidates) != 3 {
		t.Fatalf("candidates: %+v %v", e, err)
	}
	c0, c1, c2 := e.Candidates[0].ID, e.Candidates[1].ID, e.Candidates[2].ID

	res := residentLogin(t, srv, "13800138000")
	_, part := res.get("/participate")
	mustContain(t, part, `href="/elections"`, "选举投票")
	_, mine := res.get("/elections")
	mustContain(t, mine, "金谷东园第三届业主委员会选举", "请投票", `href="/elections/`+id+`"`)
	_, one := res.get("/elections/" + id)
	mustContain(t, one, "最多 2 人", `name="choice" value="`+c0+`"`, "弃权")
	rtok := csrf(t, one)
	if status, page := res.post("/elections/"+id+"/ballots", url.Values{"csrf": {rtok}, "choice": {c0, c1, c2}}); status != 400 || !strings.Contains(page, "最多选择2名候选人") || !strings.Contains(page, `value="`+c2+`" aria-describedby="elec-hint" checked`) {
		t.Errorf("three of two: %d", status)
	}
	if status, page := res.post("/elections/"+id+"/ballots", url.Values{"csrf": {rtok}, "choice": {c0, c2}}); status != 200 || !strings.Contains(page, "您的选票已投出") || !strings.Contains(page, "已投票") {
		t.Fatalf("vote: %d\n%s", status, page)
	}
	if status, _ := res.post("/elections/"+id+"/ballots", url.Values{"csrf": {rtok}, "choice": {c1}}); status != 409 {
		t.Errorf("second ballot: %d", status)
	}
	_, page = grid.get("/staff/elections/" + id)
	mustContain(t, page, "已投票 1 人 / 选民 2 人", "结束前不显示计票")
	if strings.Contains(page, "选举结果") || strings.Contains(page, `name="name"`) {
		t.Error("the staff see a count, or may still change the candidates")
	}
	// A handler of the street reads it (its level is residents) without
	// the forms of those who run it.
	if status, page := hand.get("/staff/elections/" + id); status != 200 || strings.Contains(page, "/close\"") || strings.Contains(page, "138****8000") {
		t.Errorf("a handler's view: %d", status)
	}
	_, hp := hand.get("/staff/elections")
	if status, page := hand.post("/staff/elections/"+id+"/close", url.Values{"csrf": {csrf(t, hp)}}); status != 403 || !strings.Contains(page, "只有组织选举的工作人员可以结束选举") {
		t.Errorf("a handler closes: %d", status)
	}
	other := residentLogin(t, srv, "13700000000")
	if status, _ := other.get("/elections/" + id); status != 404 {
		t.Errorf("a resident off the roll and out of the area reads it: %d", status)
	}
	_, list := other.get("/elections")
	mustContain(t, list, "目前没有您可以参加或查看的选举")
	if _, err := a.Elections.Close(ctx, auth.System(), id); err != nil {
		t.Fatal(err)
	}
	_, one = res.get("/elections/" + id)
	// She alone of two owners voted (150 of 230 m²): participation fell
	// short and nobody is elected; her own choices stay hers to read.
	mustContain(t, one, "选举结果", "1 / 2 人", "150.00 / 230.00 m²", "当选 0 人（应选 2 人）", "参与未达到规则", "您选择了", "王志强")
	if e, _ := a.Elections.Get(ctx, auth.System(), id); e.Status != election.StatusClosed {
		t.Errorf("status %s", e.Status)
	}
}

// postCSV sends a form with the CSV as its file field, as the register's
// form does.
func postCSV(c *client, path, tok, csv string) (int, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", tok)
	fw, _ := mw.CreateFormFile("file", "register.csv")
	fw.Write([]byte(csv))
	mw.Close()
	req, _ := http.NewRequest("POST", c.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

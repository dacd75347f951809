package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Without script: 先看看有没有答案 shows the published answers on the filing
// page with her words kept; 这解决了我的问题 counts the answer and files
// nothing; the stale demo answer never shows; the script's JSON answers the
// same.
func TestFilingShowsPublishedAnswers(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	c := newClient(t, srv)
	_, page := c.get("/submit")
	mustContain(t, page, `value="kb"`, "先看看有没有答案", "/static/guides.js")
	q := "我家老人今年80岁，想问问高龄津贴怎么申请"
	status, body := c.post("/submit", url.Values{"csrf": {csrf(t, page)}, "step": {"kb"}, "description": {q}})
	if status != http.StatusOK {
		t.Fatalf("kb step: %d", status)
	}
	mustContain(t, body, q, `id="kb-demo-kb-14"`, "高龄老年人津贴申请", "这解决了我的问题", "还要反映", `form="kb-solved"`, `<form id="kb-solved" method="post" action="/submit/answered">`)
	_, body = c.post("/submit", url.Values{"csrf": {csrf(t, page)}, "step": {"kb"}, "description": {"供暖季起止时间是什么时候"}})
	if strings.Contains(body, "kb-demo-kb-02") {
		t.Error("a stale answer shown")
	}
	status, body = c.post("/submit/answered", url.Values{"csrf": {csrf(t, page)}, "answered": {"demo-kb-14"}, "description": {q}})
	if status != http.StatusOK {
		t.Fatalf("answered: %d", status)
	}
	mustContain(t, body, "很高兴帮到您", "社区服务站", "本人银行卡或存折")
	adm := auth.System()
	if p, err := a.Tickets.List(context.Background(), adm, ticket.Filter{}); err != nil || len(p.Items) != 0 {
		t.Fatalf("something was filed: %v %v", p.Items, err)
	}
	f, err := a.KB.Figures(context.Background(), adm, "")
	if err != nil || f.Months[11].Answered != 1 {
		t.Fatalf("figures %+v %v", f, err)
	}
	status, body = c.get("/submit/kb?q=" + url.QueryEscape("暂住证怎么办"))
	var got struct {
		Items []struct{ ID, Title, Answer string }
	}
	if status != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got.Items) == 0 || got.Items[0].ID != "demo-kb-06" {
		t.Fatalf("kb JSON: %d %s", status, body)
	}
	if status, _ = c.get("/submit/kb?q=" + url.QueryEscape(strings.Repeat("问", 201))); status != http.StatusBadRequest {
		t.Fatalf("a long question: %d", status)
	}
	status, body = c.get("/guides")
	if status != 200 || !strings.Contains(body, "高龄老年人津贴申请") || strings.Contains(body, "供暖季起止时间") {
		t.Fatalf("guides: %d", status)
	}
	if status, _ = c.get("/guides/demo-kb-02"); status != http.StatusNotFound {
		t.Fatalf("a stale guide: %d", status)
	}
}

// A resident applies online under the demo guide; the street office
// returns it, she completes it, the office approves; it is in her 我的事项.
func TestGuideApplicationPages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	her := residentClient(t, srv, "13900139555")
	_, page := her.get("/guides/demo-kb-14")
	mustContain(t, page, "在线申请", `name="checked"`, "金谷东园社区")
	status, body := her.post("/guides/demo-kb-14/apply", url.Values{"csrf": {csrf(t, page)}, "area_code": {"110117001001"}, "checked": {"本人身份证"}, "note": {"母亲满80岁"}})
	if status != http.StatusOK || !strings.Contains(body, "待审核") {
		t.Fatalf("apply: %d %s", status, body)
	}
	id := regexpFind(t, body, `<h1>在线申请 (SQ[0-9a-z]+)</h1>`)
	_, my := her.get("/my")
	mustContain(t, my, "/guides/applications/"+id)
	office := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	_, todo := office.get("/staff/todo")
	mustContain(t, todo, "/staff/guides/applications/"+id)
	_, sp := office.get("/staff/guides/applications/" + id)
	mustContain(t, sp, "review-return")
	status, _ = office.post("/staff/guides/applications/"+id+"/review", url.Values{"csrf": {csrf(t, sp)}, "decision": {"return"}})
	if status != http.StatusBadRequest {
		t.Fatalf("return without a note: %d", status)
	}
	status, _ = office.post("/staff/guides/applications/"+id+"/review", url.Values{"csrf": {csrf(t, sp)}, "decision": {"return"}, "note": {"请补充户口簿"}})
	if status != http.StatusOK {
		t.Fatalf("return: %d", status)
	}
	_, hp := her.get("/guides/applications/" + id)
	mustContain(t, hp, "退回补充", "请补充户口簿", "complete-btn")
	status, _ = her.post("/guides/applications/"+id+"/complete", url.Values{"csrf": {csrf(t, hp)}, "checked": {"本人身份证", "户口簿"}})
	if status != http.StatusOK {
		t.Fatalf("complete: %d", status)
	}
	_, sp = office.get("/staff/guides/applications/" + id)
	status, body = office.post("/staff/guides/applications/"+id+"/review", url.Values{"csrf": {csrf(t, sp)}, "decision": {"approve"}})
	if status != http.StatusOK || !strings.Contains(body, "已通过") {
		t.Fatalf("approve: %d", status)
	}
	// The staff's list flags the stale demo entry; the figures show.
	_, list := office.get("/staff/guides")
	mustContain(t, list, "已过期", "供暖季起止时间", "有 1 条已过复核日期")
	status, _ = office.get("/staff/guides/figures")
	if status != 200 {
		t.Fatalf("figures: %d", status)
	}
	if status, _ = office.get("/staff/guides/new"); status != http.StatusForbidden {
		t.Fatalf("a handler edits: %d", status)
	}
	if status, _ = her.get("/staff/guides/applications/" + id); status == 200 {
		t.Fatalf("a resident on the staff page: %d", status)
	}
}

func regexpFind(t *testing.T, body, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", re)
	}
	return m[1]
}

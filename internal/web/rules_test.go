package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestRulePages publishes the city's rule set from the staff page, overrides
// an entry with a reason, reads the diff (no JavaScript: a GET form and a
// table), applies, refuses a bad file, and finds the override with its
// reason beside the upper level's value on the public page.
func TestRulePages(t *testing.T) {
	a := newApp(t)
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	guest := newClient(t, srv)
	status, page := guest.get("/rules")
	if status != 200 {
		t.Fatalf("page: %d\n%s", status, page)
	}
	mustContain(t, page, "规则分级共享", "上级尚未发布规则集", "本级没有调整")
	handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ := handler.get("/staff/rules"); status != 403 {
		t.Errorf("a handler's diff: %d", status)
	}
	super := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
	if status, page := super.get("/staff/rules"); status != 200 || strings.Contains(page, `id="rules-publish"`) {
		t.Fatalf("the supervisor's page: %d", status)
	}
	admin := staffLogin(t, srv, "admin", "lantern-river-42")
	status, page = admin.get("/staff/rules")
	if status != 200 {
		t.Fatalf("the administrator's page: %d\n%s", status, page)
	}
	tok := csrf(t, page)
	status, page = admin.post("/staff/rules/publish", url.Values{"csrf": {tok}, "area_code": {"1101"}, "note": {"全市统一"}})
	if status != 200 || !strings.Contains(page, "已发布新版本") {
		t.Fatalf("publish: %d\n%s", status, page)
	}
	mustContain(t, page, `id="rules-diff"`, "没有差异", `id="rules-apply"`)
	if status, _ := admin.post("/staff/rules/override", url.Values{"csrf": {tok}, "section": {"evaluation_weights"}, "key": {"k"}, "value": {"0.5"}}); status != 400 {
		t.Errorf("no reason: %d", status)
	}
	status, page = admin.post("/staff/rules/override", url.Values{"csrf": {tok}, "section": {"evaluation_weights"}, "key": {"k"}, "value": {"0.5"}, "reason": {"本区试行基本满意按五成计"}})
	if status != 200 || !strings.Contains(page, "已保存") {
		t.Fatalf("override: %d\n%s", status, page)
	}
	mustContain(t, page, "<del>0.6</del>", "<ins>0.5</ins>", "本区试行基本满意按五成计")
	status, page = admin.get("/staff/rules?against=1")
	if status != 200 {
		t.Fatalf("against v1: %d", status)
	}
	if status, _ := admin.get("/staff/rules?against=x"); status != 400 {
		t.Errorf("a bad version: %d", status)
	}
	status, page = admin.post("/staff/rules/apply", url.Values{"csrf": {tok}})
	if status != 200 || !strings.Contains(page, "已应用") {
		t.Fatalf("apply: %d\n%s", status, page)
	}
	if status, _ := admin.post("/staff/rules/import", url.Values{"csrf": {tok}, "file": {`{"format":"gongzhi-rules/1"}`}}); status != 400 {
		t.Errorf("a bad file: %d", status)
	}
	// The file chosen in the form is read whole: this installation's own
	// export is the version it holds, so taking it again changes nothing;
	// a changed copy fails its checksum.
	status, file := guest.get("/api/v1/rules/export?area=1101&version=1")
	if status != 200 {
		t.Fatalf("export: %d", status)
	}
	if status, page := admin.postRuleFile(tok, file); status != 200 || !strings.Contains(page, "已导入") {
		t.Errorf("its own file chosen: %d\n%s", status, page)
	}
	if status, page := admin.postRuleFile(tok, strings.Replace(file, "全市统一", "全市统二", 1)); status != 400 {
		t.Errorf("a changed file chosen: %d\n%s", status, page)
	}
	_, page = guest.get("/rules")
	mustContain(t, page, "本区试行基本满意按五成计", "0.6", "0.5", "市辖区", "全市统一", "/api/v1/rules/export?area=1101&amp;version=1")
	if strings.Contains(page, "admin") {
		t.Error("the public page names who made the override")
	}
}

// postRuleFile sends a rule-set file as the import form's chosen file.
func (c *client) postRuleFile(tok, file string) (int, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", tok)
	fw, err := mw.CreateFormFile("upload", "rules.json")
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write([]byte(file))
	mw.Close()
	req, _ := http.NewRequest("POST", c.srv.URL+"/staff/rules/import", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

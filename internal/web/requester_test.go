package web_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestEnterpriseFiling files as an enterprise on the resident's page and on
// the staff's form: a wrong check character comes back beside the field
// with what was typed, a code on a resident's request is refused, a valid
// one is kept and shown to staff; the workbench filters by requester and
// the figures page splits them.
func TestEnterpriseFiling(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()
			guest := newClient(t, srv)
			_, page := guest.get("/submit")
			mustContain(t, page, `name="requester_kind" value="enterprise"`, "我代表企业", `id="credit_code"`)
			form := url.Values{"csrf": {csrf(t, page)}, "kind": {"help"}, "category_code": {"0101"},
				"description": {"厂区门口道路塌陷影响货车进出"}, "street": {"110117001"}, "community": {"110117001001"},
				"reporter_name": {"钱经理"}, "reporter_phone": {"13900004444"}, "requester_kind": {"enterprise"}, "credit_code": {"91350100M000100Y44"}}
			status, body := guest.post("/submit", form)
			if status != 400 {
				t.Fatalf("wrong check: %d", status)
			}
			mustContain(t, body, "统一社会信用代码校验位不正确", `id="credit_code-err"`, `value="91350100M000100Y44"`, `value="enterprise" checked`, "厂区门口道路塌陷影响货车进出")
			form.Set("requester_kind", "resident")
			if status, body = guest.post("/submit", form); status != 400 || !strings.Contains(body, "居民诉求不填写统一社会信用代码") {
				t.Fatalf("code for a resident: %d", status)
			}
			form.Set("requester_kind", "enterprise")
			form.Set("credit_code", "91350100m000100y43")
			status, body = guest.post("/submit", form)
			m := numberRE.FindStringSubmatch(body)
			if status != 200 || m == nil {
				t.Fatalf("enterprise: %d\n%s", status, body)
			}
			number := m[1]

			agent := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
			_, page = agent.get("/staff/new")
			tok := csrf(t, page)
			staffForm := url.Values{"csrf": {tok}, "channel": {"hotline"}, "kind": {"complaint"}, "category_code": {"0101"}, "street": {"110117001"},
				"description": {"企业来电反映门前积水"}, "reporter_phone": {"13900005555"}, "requester_kind": {"enterprise"}, "credit_code": {"91110000600037341M"}}
			if status, body := agent.post("/staff/new", staffForm); status != 400 || !strings.Contains(body, "校验位不正确") {
				t.Fatalf("staff wrong check: %d", status)
			}
			staffForm.Set("credit_code", "91110000600037341L")
			if status, body := agent.post("/staff/new", staffForm); status != 200 || !strings.Contains(body, "91110000600037341L") {
				t.Fatalf("staff enterprise: %d\n%s", status, body)
			}

			sup := staffLogin(t, srv, "demo-supervisor", "gongzhi-demo")
			_, body = sup.get("/staff/tickets/" + number)
			mustContain(t, body, "企业诉求", "91350100M000100Y43")
			_, body = sup.get("/staff?requester_kind=enterprise")
			mustContain(t, body, number)
			_, body = sup.get("/staff?requester_kind=resident")
			if strings.Contains(body, number) {
				t.Error("an enterprise's ticket among residents'")
			}
			month := time.Now().In(clock.BusinessZone()).Format("2006-01")
			status, body = sup.get("/staff/figures/requesters?month=" + month)
			if status != 200 {
				t.Fatalf("figures: %d", status)
			}
			mustContain(t, body, "居民诉求", "企业诉求", "按期办结率", `href="/staff?requester_kind=enterprise"`, `id="requester-units-none"`)
			_, body = sup.get("/staff/dashboard")
			mustContain(t, body, `href="/staff/figures/requesters?month=`)
			handler := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
			if status, _ := handler.get("/staff/figures/requesters"); status != 403 {
				t.Errorf("a handler's figures: %d", status)
			}
			if status, _ := sup.get("/staff/figures/requesters?month=2026-13"); status != 400 {
				t.Errorf("a bad month: %d", status)
			}
		})
	}
}

// TestConsoleEnterprise: the hotline console refuses a wrong check
// character beside the code, with what was typed kept.
func TestConsoleEnterprise(t *testing.T) {
	_, srv := consoleServer(t)
	c := staffLogin(t, srv, "demo-agent", "gongzhi-demo")
	_, page := c.get("/staff/console")
	mustContain(t, page, `id="requester_kind"`, `id="credit_code"`)
	tok := csrf(t, page)
	form := consoleForm(tok, "op", "save", "reporter_phone", "13911112233", "category_code", "0101", "description", "企业来电反映门前垃圾",
		"address", "金谷东园北门", "kind", "complaint", "requester_kind", "enterprise", "credit_code", "91350100M000100Y44")
	status, body := c.post("/staff/console", form)
	if status != 400 {
		t.Fatalf("status %d", status)
	}
	mustContain(t, body, "统一社会信用代码校验位不正确", `value="91350100M000100Y44"`, `value="enterprise" selected`)
	if !regexp.MustCompile(`id="credit_code"[^>]*aria-invalid="true"[^>]*autofocus`).MatchString(body) {
		t.Error("the cursor is not put in the code")
	}
}

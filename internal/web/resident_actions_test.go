package web_test

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestResidentActionsOnTheWeb: a guest who looked her request up withdraws
// it before dispatch; a logged-in reporter urges (once a day) and adds
// information, which the unit reads on its page with the urge count.
func TestResidentActionsOnTheWeb(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			a := newAppOn(t, engine)
			srv := httptest.NewServer(a.Handler)
			defer srv.Close()

			guest := newClient(t, srv)
			_, page := guest.get("/submit")
			tok := csrf(t, page)
			// 供电 (0405) has no rule: the request waits for the dispatchers.
			_, body := guest.post("/submit", url.Values{"csrf": {tok}, "kind": {"help"}, "category_code": {"0405"},
				"description": {"单元楼停电两天"}, "community": {"110117001001"}, "reporter_phone": {"13900003333"}})
			m := numberRE.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no number:\n%s", body)
			}
			waiting := m[1]
			if status, _ := guest.post("/track", url.Values{"csrf": {tok}, "number": {waiting}, "phone": {"13900003333"}}); status != 200 {
				t.Fatalf("lookup: %d", status)
			}
			status, body := guest.post("/tickets/"+waiting+"/act/withdraw", url.Values{"csrf": {tok}, "note": {"已恢复供电"}})
			if status != 200 {
				t.Fatalf("withdraw: %d\n%s", status, body)
			}
			mustContain(t, body, "您的诉求已撤回。", "您撤回了诉求")
			// Without the proof of the phone, a stranger is sent to log in.
			stranger := newClient(t, srv)
			_, page = stranger.get("/submit")
			if _, body := stranger.post("/tickets/"+waiting+"/act/supplement", url.Values{"csrf": {csrf(t, page)}, "note": {"x"}}); !regexp.MustCompile(`name="phone"`).MatchString(body) {
				t.Errorf("a stranger was not sent to log in")
			}

			res := residentLogin(t, srv, "13800138000")
			_, page = res.get("/submit")
			_, body = res.post("/submit", url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "community": {"110117001001"},
				"description": {"楼道灯坏了"}})
			number := numberRE.FindStringSubmatch(body)[1]
			tok = csrf(t, body)
			if status, body := res.post("/tickets/"+number+"/act/withdraw", url.Values{"csrf": {tok}}); status != 409 {
				t.Fatalf("withdraw after dispatch: %d\n%s", status, body)
			}
			if status, body := res.post("/tickets/"+number+"/act/urge", url.Values{"csrf": {tok}, "note": {"晚上很黑"}}); status != 200 {
				t.Fatalf("urge: %d\n%s", status, body)
			} else {
				mustContain(t, body, "已催办", "您催办了一次")
			}
			status, body = res.post("/tickets/"+number+"/act/urge", url.Values{"csrf": {tok}})
			if status != 429 {
				t.Fatalf("second urge today: %d", status)
			}
			mustContain(t, body, "您今天已经催办过这个诉求")
			if status, _ := res.post("/tickets/"+number+"/act/supplement", url.Values{"csrf": {tok}, "note": {""}}); status != 400 {
				t.Fatalf("empty supplement: %d", status)
			}
			if status, body := res.post("/tickets/"+number+"/act/supplement", url.Values{"csrf": {tok}, "note": {"是3号楼2单元"}}); status != 200 {
				t.Fatalf("supplement: %d\n%s", status, body)
			} else {
				mustContain(t, body, "补充的情况已送达承办单位。", "是3号楼2单元")
			}
			if status, _ := res.post("/tickets/"+number+"/act/rate", url.Values{"csrf": {tok}}); status != 404 {
				t.Errorf("the rating through the resident actions' route: %d, want 404", status)
			}

			staff := newClient(t, srv)
			_, page = staff.get("/staff/login")
			staff.post("/staff/login", url.Values{"csrf": {csrf(t, page)}, "username": {"demo-handler"}, "password": {"gongzhi-demo"}})
			_, body = staff.get("/staff/tickets/" + number)
			mustContain(t, body, "诉求人补充了情况", "是3号楼2单元", "诉求人催办", "晚上很黑", "1 次")
		})
	}
}

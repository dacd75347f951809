package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// fuzzApp is a real gongzhi on SQLite with the demo district, and API tokens
// for a few of its users; index 0 is no token at all.
type fuzzApp struct {
	a      *app.App
	tokens []string
}

func newFuzzApp(f *testing.F) *fuzzApp {
	f.Helper()
	ctx := context.Background()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: f.TempDir(), Demo: true, BcryptCost: 4, AdminPassword: "lantern-river-42"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { a.Close() })
	fa := &fuzzApp{a: a, tokens: []string{""}}
	for _, u := range []string{"demo-agent", "demo-handler", "demo-dispatcher", "demo-handler-dept"} {
		s, err := a.Auth.Login(ctx, u, "gongzhi-demo", auth.KindAPI)
		if err != nil {
			f.Fatalf("login %s: %v", u, err)
		}
		fa.tokens = append(fa.tokens, s.Token)
	}
	code, err := a.Auth.RequestCode(ctx, "13800138000")
	if err != nil {
		f.Fatal(err)
	}
	s, err := a.Auth.LoginWithCode(ctx, "13800138000", code, auth.KindAPI)
	if err != nil {
		f.Fatal(err)
	}
	fa.tokens = append(fa.tokens, s.Token)
	return fa
}

func (fa *fuzzApp) token(who uint8) string { return fa.tokens[int(who)%len(fa.tokens)] }

// do runs one request through the whole handler and checks what every API
// answer must be: one of the statuses the API promises (never a 500, which
// is also what a recovered panic becomes), and a JSON body.
func (fa *fuzzApp) do(t *testing.T, method, target, token string, body []byte) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, "http://gongzhi.test/", bytes.NewReader(body))
	u, err := url.ParseRequestURI(target)
	if err != nil {
		t.Fatalf("test built a bad URL %q: %v", target, err)
	}
	req.URL = u
	req.RequestURI = target
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	fa.a.Handler.ServeHTTP(rec, req)
	// A path that is not clean ("/api/v1/tickets//actions/") is sent to its
	// clean form by the standard mux, which answers there in JSON.
	if loc := rec.Header().Get("Location"); rec.Code == http.StatusTemporaryRedirect || rec.Code == http.StatusPermanentRedirect || rec.Code == http.StatusMovedPermanently {
		clean := path.Clean(u.Path)
		if strings.HasSuffix(u.Path, "/") && clean != "/" {
			clean += "/" // the mux keeps a trailing slash
		}
		if clean == u.Path || loc == "" {
			t.Fatalf("%s %s: redirect %d to %q for a clean path", method, target, rec.Code, loc)
		}
		return rec.Code, nil
	}
	switch rec.Code {
	case 200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 429: // 429: guests are rate-limited per address
	default:
		t.Fatalf("%s %s with %q: status %d: %s", method, target, body, rec.Code, rec.Body.Bytes())
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s with %q: status %d, body is not JSON: %q", method, target, body, rec.Code, rec.Body.Bytes())
	}
	if rec.Code >= 400 {
		e, _ := out["error"].(map[string]any)
		if e == nil || e["code"] == "" || e["message"] == "" || e["message_en"] == "" {
			t.Fatalf("%s %s with %q: status %d without an error body: %s", method, target, body, rec.Code, rec.Body.Bytes())
		}
	}
	return rec.Code, out
}

var ticketSeeds = []string{
	`{"kind":"complaint","category_code":"0101","description":"金谷东园小区北门垃圾堆积多日，气味很大","area_code":"110117001001","address":"金谷东园北门","reporter_name":"王芳","confidential":false}`,
	`{"kind":"complaint","category_code":"0101","description":"…","area_code":"110117001001","reporter_phone":"13912345678"}`,
	`{"kind":"help","category_code":"0405","description":"整栋楼停电两小时","area_code":"110117002001","reporter_phone":"13912345678","confidential":true}`,
	`{"kind":"suggestion","category_code":"0101","description":"建议增设垃圾桶","lat":40.14,"lng":117.12,"reporter_phone":"+86 139 1234 5678","channel":"app"}`,
	`{"kind":"complaint","category_code":"9999","description":"x","area_code":"110117999999"}`,
	`{"kind": "complaint",`,
	`{"lat": "north"}`,
	`{"lat": 1e400, "lng": -0}`,
	`{"description":"a"} {"description":"b"}`,
	`[]`,
	`null`,
	``,
	`{"kind":"complaint","category_code":"0101","description":"\u0000\ud800","area_code":"11011700100１","channel":"hotline"}`,
}

// FuzzCreateTicket sends arbitrary bodies to POST /api/v1/tickets as a guest,
// staff and a resident.
func FuzzCreateTicket(f *testing.F) {
	fa := newFuzzApp(f)
	for i, s := range ticketSeeds {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, body []byte, who uint8) {
		code, out := fa.do(t, "POST", "/api/v1/tickets", fa.token(who), body)
		if code == http.StatusCreated {
			if n, _ := out["number"].(string); n == "" || out["version"] == nil {
				t.Fatalf("201 without a ticket: %v", out)
			}
		}
	})
}

// FuzzTicketAction sends arbitrary actions and bodies to
// POST /api/v1/tickets/{number}/actions/{action} on a fresh dispatched ticket.
func FuzzTicketAction(f *testing.F) {
	fa := newFuzzApp(f)
	seeds := []struct {
		action, body string
	}{
		{"sign", `{}`},
		{"sign", ``},
		{"contact", `{"note":"已电话联系王女士"}`},
		{"reply", `{"reply_text":"已协调环卫所清运，并增加清运频次","resolved":true}`},
		{"reply", `{"reply_text":"已清运"}`},
		{"rate", `{"resolved":true,"satisfaction":"satisfied","comment":"处理及时"}`},
		{"rate", `{"resolved":true,"satisfaction":"delighted"}`},
		{"dispatch", `{"org_code":"110117002-SO","note":"请属地街道协调供电公司"}`},
		{"close", `{"note":"已恢复供电"}`},
		{"fly", `{}`},
		{"sign", `{"resolved":"yes"}`},
		{"close", `{"note":` + `"` + string(bytes.Repeat([]byte("长"), 3000)) + `"}`},
		{"../../users", `{}`},
	}
	for i, s := range seeds {
		f.Add(s.action, []byte(s.body), uint8(i), false)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, action string, body []byte, who uint8, badNumber bool) {
		tk, err := fa.a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101",
			Description: "模糊测试工单", AreaCode: "110117001001", ReporterPhone: "13912345678"})
		if err != nil {
			t.Fatal(err)
		}
		number := tk.Number
		if badNumber {
			number = action
		}
		code, out := fa.do(t, "POST", "/api/v1/tickets/"+url.PathEscape(number)+"/actions/"+url.PathEscape(action), fa.token(who), body)
		if code == http.StatusOK {
			if out["number"] != tk.Number {
				t.Fatalf("200 for another ticket: %v", out)
			}
			if v, _ := out["version"].(float64); v <= float64(tk.Version) {
				t.Fatalf("200 but the version did not move: %v", out)
			}
		}
	})
}

// FuzzListTickets sends arbitrary list parameters to GET /api/v1/tickets.
func FuzzListTickets(f *testing.F) {
	fa := newFuzzApp(f)
	ctx := context.Background()
	var last string
	for i := 0; i < 3; i++ {
		tk, err := fa.a.Tickets.Create(ctx, nil, ticket.NewTicket{Kind: ticket.KindComplaint, CategoryCode: "0101",
			Description: "列表模糊测试", AreaCode: "110117001001", ReporterPhone: "13912345678"})
		if err != nil {
			f.Fatal(err)
		}
		last = tk.Number
	}
	seeds := [][4]string{
		{"", "", "", ""},
		{"10", "", "registered", ""},
		{"1", "", "dispatched", "110117001"},
		{"100", "", "closed", "110117"},
		{"101", "", "", ""},
		{"0", "", "", ""},
		{"-1", "", "", ""},
		{"9999999999999999999999", "", "", ""},
		{"2", "MjAyNjExMjYwMDAwNDI", "", ""},
		{"2", "!!!", "", ""},
		{"", "", "flying", ""},
		{"", "", "", "11011700100X"},
		{"1", last, "", ""},
	}
	for i, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], uint8(i))
	}
	f.Fuzz(func(t *testing.T, limit, cursor, status, area string, who uint8) {
		q := url.Values{}
		for k, v := range map[string]string{"limit": limit, "cursor": cursor, "status": status, "area_code": area} {
			if v != "" {
				q.Set(k, v)
			}
		}
		target := "/api/v1/tickets"
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		code, out := fa.do(t, "GET", target, fa.token(who), nil)
		if code == http.StatusOK {
			if _, ok := out["items"].([]any); !ok {
				t.Fatalf("200 without items: %v", out)
			}
		}
	})
}
